using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Npgsql;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// What a client of the whole system does, over each service's REST API (the gateway comes later): sign
/// up, open a restaurant, place an order and watch it go from APPROVAL_PENDING to its outcome.
/// </summary>
public sealed class OrderFlow(TestSystem test) : IDisposable
{
    public static readonly object Address = new { street1 = "9 West St", city = "Oakland", state = "CA", zip = "94612" };
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Url(string service, string path) => test.Service(service).BaseUrl + path;

    public async Task<long> SignUpAsync(string orderLimit = "1000.00") =>
        (await PostAsync("consumer", "/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit }))["consumerId"]!.GetValue<long>();

    /// <summary>A restaurant with "1" Chicken Vindaloo 12.34 and "2" Lamb Rogan Josh 20.00, known to the Order service's menu replica once this returns.</summary>
    public async Task<long> OpenRestaurantAsync()
    {
        var restaurantId = (await PostAsync("kitchen", "/v1/restaurants", new
        {
            name = "Ajanta",
            address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
            menu = new
            {
                menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "12.34" }, new { id = "2", name = "Lamb Rogan Josh", price = "20.00" } },
            },
        }))["restaurantId"]!.GetValue<long>();
        // The replica follows RestaurantCreated: an order for an unknown restaurant is a 422 until it arrives (and changes nothing).
        var consumerId = await SignUpAsync();
        await Wait.UntilAsync(async ct =>
            {
                using var response = await http.PostAsJsonAsync(Url("order", "/v1/orders"), Order(consumerId, restaurantId, ("1", 1)), ct);
                return response.StatusCode == HttpStatusCode.Created;
            },
            TimeSpan.FromSeconds(30), $"restaurant {restaurantId} to reach the Order service's menu replica", CancellationToken.None);
        return restaurantId;
    }

    public static object Order(long consumerId, long restaurantId, params (string MenuItemId, int Quantity)[] lineItems) => new
    {
        consumerId,
        restaurantId,
        lineItems = lineItems.Select(l => new { menuItemId = l.MenuItemId, quantity = l.Quantity }),
        deliveryAddress = Address,
        deliveryTime = DateTimeOffset.UtcNow.AddHours(1),
    };

    /// <summary>POST /v1/orders: 201 with APPROVAL_PENDING at once (respond first). Returns the order id.</summary>
    public async Task<long> PlaceOrderAsync(long consumerId, long restaurantId, params (string MenuItemId, int Quantity)[] lineItems)
    {
        using var response = await http.PostAsJsonAsync(Url("order", "/v1/orders"), Order(consumerId, restaurantId, lineItems));
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/orders: {(int)response.StatusCode} {body}");
        Assert.Equal("APPROVAL_PENDING", body!["state"]!.GetValue<string>());
        return body["orderId"]!.GetValue<long>();
    }

    public async Task<JsonNode> GetAsync(string service, string path)
    {
        using var response = await http.GetAsync(Url(service, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> PostAsync(string service, string path, object? body, HttpStatusCode? expected = null)
    {
        using var response = await http.PostAsJsonAsync(Url(service, path), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected is null ? response.IsSuccessStatusCode : response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public async Task PutAsync(string service, string path, object body)
    {
        using var response = await http.PutAsJsonAsync(Url(service, path), body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls the order (as a client does: Retry-After says when) until it is in one of <paramref name="states"/>.</summary>
    public async Task<JsonNode> WaitForOrderAsync(long orderId, params string[] states)
    {
        JsonNode? order = null;
        await Wait.UntilAsync(async _ =>
            {
                order = await GetAsync("order", $"/v1/orders/{orderId}");
                return states.Contains(order["state"]!.GetValue<string>());
            },
            TimeSpan.FromSeconds(60), $"order {orderId} to be {string.Join(" or ", states)}", CancellationToken.None,
            () => $"last seen: {order}");
        return order!;
    }

    /// <summary>A scalar from a service's own database (what the service's API does not show, e.g. how many tickets an order has).</summary>
    public async Task<T> ScalarAsync<T>(string service, string sql, params (string Name, object Value)[] parameters)
    {
        var definition = test.Service(service).Definition;
        await using var connection = new NpgsqlConnection(test.System.ConnectionString(definition));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default! : (T)result;
    }

    /// <summary>The state of the order's ticket in the Kitchen service's database (null: the Kitchen has none).</summary>
    public Task<string?> TicketStateAsync(long orderId) => ScalarAsync<string?>("kitchen", "SELECT state FROM tickets WHERE order_id = @o", ("o", orderId));

    public Task<long> TicketIdAsync(long orderId) => ScalarAsync<long>("kitchen", "SELECT id FROM tickets WHERE order_id = @o", ("o", orderId));

    public Task WaitForTicketAsync(long orderId, string state) =>
        Wait.UntilAsync(async _ => await TicketStateAsync(orderId) == state, TimeSpan.FromSeconds(60), $"the ticket of order {orderId} to be {state}",
            CancellationToken.None);

    /// <summary>The state of the order's one authorization at the Accounting service (null: none).</summary>
    public Task<string?> AuthorizationStateAsync(long orderId) =>
        ScalarAsync<string?>("accounting", "SELECT state FROM authorizations WHERE order_id = @o", ("o", orderId));

    public Task WaitForAccountAsync(long consumerId) =>
        Wait.UntilAsync(async ct => (await http.GetAsync(Url("accounting", $"/v1/accounts/{consumerId}"), ct)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"the account of consumer {consumerId} to be opened", CancellationToken.None);

    /// <summary>The one-way NotifyConsumer the saga sends at its end, as the consumer reads it.</summary>
    public Task WaitForNotificationAsync(long consumerId, long orderId) =>
        Wait.UntilAsync(async _ => (await GetAsync("consumer", $"/v1/consumers/{consumerId}/notifications")).AsArray()
                .Any(n => n!["orderId"]!.GetValue<long>() == orderId),
            TimeSpan.FromSeconds(30), $"consumer {consumerId} to be notified of order {orderId}", CancellationToken.None);

    public void Dispose() => http.Dispose();
}
