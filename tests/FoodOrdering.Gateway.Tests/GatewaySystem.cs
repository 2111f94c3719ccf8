using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// ONE system for the gateway's test classes (it is expensive): every service as a process, Kitchen twice,
/// with fault injection on (as `./ftgo demo` starts them; no fault is set unless a test sets one and clears
/// it again), and the gateway in front, with a route to the test's <see cref="HeaderProbe"/>.
/// </summary>
public sealed class GatewaySystem : IAsyncLifetime
{
    public const string Name = "gateway system";

    public TestSystem Test { get; private set; } = null!;
    public HeaderProbe Probe { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string GatewayUrl => Test.Service("gateway").BaseUrl;

    public async Task InitializeAsync()
    {
        Probe = await HeaderProbe.StartAsync();
        Test = await TestSystem.StartAsync(instances: new Dictionary<string, int> { ["kitchen"] = 2 }, faultsEnabled: true,
            gatewaySettings: new Dictionary<string, string>(Probe.GatewayRoute())
            {
                // The rate limit has its own test system; here it must never get in the way.
                ["Gateway__RateLimit__PermitLimit"] = "1000000",
            });
        Http.BaseAddress = new Uri(GatewayUrl);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (Test is not null)
        {
            await Test.DisposeAsync();
        }
        if (Probe is not null)
        {
            await Probe.DisposeAsync();
        }
    }

    public static Task<string> ConsumerTokenAsync(HttpClient gateway, long consumerId) => TokenAsync(gateway, new { consumerId });

    public static Task<string> AdminTokenAsync(HttpClient gateway) => TokenAsync(gateway, new { role = "admin" });

    private static async Task<string> TokenAsync(HttpClient gateway, object request)
    {
        using var response = await gateway.PostAsJsonAsync("/api/v1/auth/token", request);
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/auth/token: {(int)response.StatusCode} {body}");
        Assert.Equal(3600, body!["expiresIn"]!.GetValue<int>());
        return body["accessToken"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null,
        params (string Name, string Value)[] headers) => Send(Http, method, path, token, body, headers);

    public static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string? token = null, object? body = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request);
    }

    /// <summary>Sign-up through the gateway (anonymous): the new consumer's id.</summary>
    public Task<long> SignUpAsync() => SignUpAsync(Http);

    public static async Task<long> SignUpAsync(HttpClient http)
    {
        using var response = await Send(http, HttpMethod.Post, "/api/v1/consumers", body: new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "1000.00" });
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"sign-up: {(int)response.StatusCode} {body}");
        Assert.StartsWith("/api/v1/consumers/", response.Headers.Location!.OriginalString);
        return body!["consumerId"]!.GetValue<long>();
    }

    /// <summary>
    /// Until the Accounting service has opened the consumer's account: it follows ConsumerCreated asynchronously,
    /// and CreateOrderSaga's AuthorizeCard declines a card without one, so a test that expects APPROVED waits here.
    /// </summary>
    public static async Task WaitForAccountAsync(HttpClient http, long consumerId)
    {
        var admin = await AdminTokenAsync(http);
        await Wait.UntilAsync(async _ =>
            {
                using var response = await Send(http, HttpMethod.Get, $"/api/v1/accounts/{consumerId}", admin);
                return response.IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(30), $"the account of consumer {consumerId} to be opened", CancellationToken.None);
    }

    /// <summary>A restaurant opened by an admin through the gateway: its id.</summary>
    public Task<long> OpenRestaurantAsync() => OpenRestaurantAsync(Http);

    public static async Task<long> OpenRestaurantAsync(HttpClient http)
    {
        using var response = await Send(http, HttpMethod.Post, "/api/v1/restaurants", await AdminTokenAsync(http), new
        {
            name = "Ajanta",
            address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
            menu = new { menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "12.34" } } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"open restaurant: {(int)response.StatusCode} {body}");
        return body!["restaurantId"]!.GetValue<long>();
    }

    public static object Order(long consumerId, long restaurantId) => new
    {
        consumerId,
        restaurantId,
        lineItems = new[] { new { menuItemId = "1", quantity = 2 } },
        deliveryAddress = new { street1 = "9 West St", city = "Oakland", state = "CA", zip = "94612" },
        deliveryTime = DateTimeOffset.UtcNow.AddHours(1),
    };

    /// <summary>An order placed through the gateway with the consumer's token, once the Order service knows the restaurant (its menu replica follows an event).</summary>
    public Task<long> PlaceOrderAsync(long consumerId, long restaurantId, string token) => PlaceOrderAsync(Http, consumerId, restaurantId, token);

    public static async Task<long> PlaceOrderAsync(HttpClient http, long consumerId, long restaurantId, string token)
    {
        JsonNode? body = null;
        var status = HttpStatusCode.OK;
        await Wait.UntilAsync(async _ =>
            {
                using var response = await Send(http, HttpMethod.Post, "/api/v1/orders", token, Order(consumerId, restaurantId));
                status = response.StatusCode;
                body = await response.Content.ReadFromJsonAsync<JsonNode>();
                if (status == HttpStatusCode.Created)
                {
                    Assert.Equal($"/api/v1/orders/{body!["orderId"]}", response.Headers.Location!.OriginalString);
                }
                return status == HttpStatusCode.Created;
            },
            TimeSpan.FromSeconds(60), $"restaurant {restaurantId} to reach the Order service's menu replica", CancellationToken.None,
            () => $"last answer: {(int)status} {body}");
        return body!["orderId"]!.GetValue<long>();
    }
}

[CollectionDefinition(GatewaySystem.Name)]
public sealed class GatewaySystemCollection : ICollectionFixture<GatewaySystem>
{
}
