using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Npgsql;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// What a client of the whole system does, through the API gateway with a token, as a user would: sign up
/// (anonymous), open a restaurant and work a ticket (an admin), place an order and watch it go from
/// APPROVAL_PENDING to its outcome (its consumer). <c>service</c> names the service a path belongs to (the
/// gateway routes by path; kitchen and accounting writes need an admin); what the API does not show comes
/// from the services' own databases.
/// </summary>
public sealed partial class OrderFlow(TestSystem test) : IDisposable
{
    public static readonly object Address = new { street1 = "9 West St", city = "Oakland", state = "CA", zip = "94612" };
    private const long Admin = 0;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<long, string> tokens = [];
    private readonly Dictionary<long, long> owners = [];

    /// <summary>The gateway's URL of a service's path (<c>/v1/orders/7</c> is <c>{gateway}/api/v1/orders/7</c>).</summary>
    public string Url(string service, string path) => test.Service("gateway").BaseUrl + "/api" + path;

    public async Task<long> SignUpAsync(string orderLimit = "1000.00") =>
        (await PostAsync("consumer", "/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit }))["consumerId"]!.GetValue<long>();

    /// <summary>
    /// A new consumer whose account the Accounting service has opened. The account follows ConsumerCreated
    /// asynchronously, and a card without an account is declined: a test that expects APPROVED starts here.
    /// </summary>
    public async Task<long> SignUpWithAccountAsync(string orderLimit = "1000.00")
    {
        var consumerId = await SignUpAsync(orderLimit);
        await WaitForAccountAsync(consumerId);
        return consumerId;
    }

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
                using var response = await SendAsync(HttpMethod.Post, Url("order", "/v1/orders"), Order(consumerId, restaurantId, ("1", 1)), consumerId);
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
        using var response = await SendAsync(HttpMethod.Post, Url("order", "/v1/orders"), Order(consumerId, restaurantId, lineItems), consumerId);
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/orders: {(int)response.StatusCode} {body}");
        Assert.Equal("APPROVAL_PENDING", body!["state"]!.GetValue<string>());
        var orderId = body["orderId"]!.GetValue<long>();
        owners[orderId] = consumerId;
        return orderId;
    }

    public async Task<JsonNode> GetAsync(string service, string path)
    {
        using var response = await SendAsync(HttpMethod.Get, Url(service, path), null, Caller(service, HttpMethod.Get, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> PostAsync(string service, string path, object? body, HttpStatusCode? expected = null)
    {
        using var response = await SendAsync(HttpMethod.Post, Url(service, path), body, Caller(service, HttpMethod.Post, path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected is null ? response.IsSuccessStatusCode : response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public async Task PutAsync(string service, string path, object body)
    {
        using var response = await SendAsync(HttpMethod.Put, Url(service, path), body, Caller(service, HttpMethod.Put, path));
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
        Wait.UntilAsync(async ct => (await SendAsync(HttpMethod.Get, Url("accounting", $"/v1/accounts/{consumerId}"), null, consumerId)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"the account of consumer {consumerId} to be opened", CancellationToken.None);

    /// <summary>The one-way NotifyConsumer the saga sends at its end, as the consumer reads it.</summary>
    public Task WaitForNotificationAsync(long consumerId, long orderId) =>
        Wait.UntilAsync(async _ => (await GetAsync("consumer", $"/v1/consumers/{consumerId}/notifications")).AsArray()
                .Any(n => n!["orderId"]!.GetValue<long>() == orderId),
            TimeSpan.FromSeconds(30), $"consumer {consumerId} to be notified of order {orderId}", CancellationToken.None);

    /// <summary>
    /// Who makes a request, as the gateway's rules want it: nobody signs up, an admin writes restaurants, tickets
    /// and accounts, an order's consumer works on it, a consumer reads their own resources (null: anonymous).
    /// </summary>
    private long? Caller(string service, HttpMethod method, string path)
    {
        if (service is "kitchen" or "accounting" && method != HttpMethod.Get)
        {
            return Admin;
        }
        if (OrderPath().Match(path) is { Success: true } order)
        {
            return owners.TryGetValue(long.Parse(order.Groups[1].Value), out var owner) ? owner : Admin;
        }
        if (ConsumerPath().Match(path) is { Success: true } consumer)
        {
            return long.Parse(consumer.Groups[1].Value);
        }
        return method == HttpMethod.Post && path == "/v1/consumers" ? null : Admin;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, long? caller)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null || method != HttpMethod.Get)
        {
            request.Content = JsonContent.Create(body);
        }
        if (caller is { } who)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(who));
        }
        return await http.SendAsync(request);
    }

    /// <summary>A token from the gateway's demo token endpoint, one per consumer (<see cref="Admin"/>: an admin's), asked for once.</summary>
    private async Task<string> TokenAsync(long consumerId)
    {
        if (!tokens.TryGetValue(consumerId, out var token))
        {
            object request = consumerId == Admin ? new { role = "admin" } : new { consumerId };
            using var response = await http.PostAsJsonAsync(test.Service("gateway").BaseUrl + "/api/v1/auth/token", request);
            Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/auth/token: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            tokens[consumerId] = token = (await response.Content.ReadFromJsonAsync<JsonNode>())!["accessToken"]!.GetValue<string>();
        }
        return token;
    }

    [GeneratedRegex(@"^/v\d+/orders/(\d+)")]
    private static partial Regex OrderPath();

    [GeneratedRegex(@"^/v1/(?:consumers|accounts)/(\d+)")]
    private static partial Regex ConsumerPath();

    public void Dispose() => http.Dispose();
}
