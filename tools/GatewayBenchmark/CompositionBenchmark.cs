using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.GatewayBenchmark;

/// <summary>
/// What API composition costs and what its budget holds: with every service and the gateway running
/// (fault injection on), one approved order is read through the gateway as <c>GET /api/v1/orders/{id}</c>
/// (forwarded: one REST hop to the Order service) and as <c>GET /api/v1/orders/{id}/details</c> (composed:
/// GetOrder, then GetConsumer, GetTicket and GetAuthorization in parallel, over gRPC), one request at a time in
/// alternating rounds. Then Kitchen is made slower than the budget (injected latency on its gRPC calls; the
/// Kitchen breaker is set never to open here, so that every request waits for the budget) and the composed
/// read is timed again: the answer comes at the budget, without the ticket.
/// </summary>
public static class CompositionBenchmark
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(int requests, int rounds)
    {
        var options = new LaunchOptions
        {
            Configuration = "Release",
            FreePorts = true,
            DataDirectory = Path.Combine(SystemCatalog.RepositoryRoot(), ".ftgo", "composition-benchmark"),
            ExternalPostgres = null,
            ExternalRabbitMq = null,
            Services = [.. SystemCatalog.Services],
            FaultsEnabled = true,
            GatewaySettings = new Dictionary<string, string>
            {
                ["Gateway__RateLimit__PermitLimit"] = "100000000",
                ["Gateway__Composition__Budget"] = Budget.ToString(),
                ["Downstreams__kitchen__CircuitBreaker__MinimumThroughput"] = "1000000",
            },
        };
        Console.WriteLine($"Starting the system (Release): {string.Join(", ", options.Services.Select(s => s.Name))} ...");
        var system = await FtgoSystem.StartAsync(options, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        try
        {
            await MeasureAsync(system, requests, rounds);
        }
        finally
        {
            await system.DisposeAsync();
            Directory.Delete(options.DataDirectory, recursive: true);
        }
    }

    private static async Task MeasureAsync(FtgoSystem system, int requests, int rounds)
    {
        string Url(string service) => system.Services.Single(s => s.Definition.Name == service && s.Instance == 0).BaseUrl;
        using var gateway = new HttpClient { BaseAddress = new Uri(Url("gateway")) };
        var orderId = await ApprovedOrderAsync(gateway);
        var forwardedPath = $"/api/v1/orders/{orderId}";
        var composedPath = $"/api/v1/orders/{orderId}/details";
        await GatewayOverheadBenchmark.TimeAsync(gateway, forwardedPath, requests / 4);
        await GatewayOverheadBenchmark.TimeAsync(gateway, composedPath, requests / 4);

        List<double> forwarded = [], composed = [];
        for (var round = 0; round < rounds; round++)
        {
            forwarded.AddRange(await GatewayOverheadBenchmark.TimeAsync(gateway, forwardedPath, requests));
            composed.AddRange(await GatewayOverheadBenchmark.TimeAsync(gateway, composedPath, requests));
        }
        Console.WriteLine($"{rounds} alternating rounds of {requests} sequential GETs of one approved order through the gateway:");
        Console.WriteLine($"{"",-44} {"p50 ms",8} {"p99 ms",8} {"mean ms",8}");
        GatewayOverheadBenchmark.Print("forwarded: GET /api/v1/orders/{id}", forwarded);
        GatewayOverheadBenchmark.Print("composed: GET /api/v1/orders/{id}/details", composed);

        // Kitchen slower than the budget: each composed read waits for the budget, then answers without the ticket.
        using var kitchen = new HttpClient { BaseAddress = new Uri(Url("kitchen")) };
        (await kitchen.PostAsJsonAsync("/_admin/faults", new { latencyMs = 30_000, scope = "grpc" })).EnsureSuccessStatusCode();
        var slow = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var body = await gateway.GetFromJsonAsync<JsonNode>(composedPath);
            slow.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (body!["ticket"] is not null)
            {
                throw new InvalidOperationException("The ticket came although Kitchen was slower than the budget.");
            }
        }
        (await kitchen.DeleteAsync("/_admin/faults")).EnsureSuccessStatusCode();
        Console.WriteLine($"Kitchen {30_000} ms slow, budget {Budget.TotalMilliseconds:0} ms, {slow.Count} sequential composed GETs (no ticket):");
        GatewayOverheadBenchmark.Print("composed, Kitchen past the budget", slow);
        Console.WriteLine($"{"max",-44} {slow.Max(),8:0.000}");
    }

    /// <summary>A consumer, a restaurant and an order through the gateway, once CreateOrderSaga has approved it.</summary>
    private static async Task<long> ApprovedOrderAsync(HttpClient gateway)
    {
        var admin = await TokenAsync(gateway, new { role = "admin" });
        var restaurant = await SendAsync(gateway, HttpMethod.Post, "/api/v1/restaurants", admin, new
        {
            name = "Ajanta",
            address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
            menu = new { menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "12.34" } } },
        });
        var consumer = await SendAsync(gateway, HttpMethod.Post, "/api/v1/consumers", null,
            new { name = new { firstName = "Bench", lastName = "Mark" }, orderLimit = "1000.00" });
        var (restaurantId, consumerId) = (restaurant!["restaurantId"]!.GetValue<long>(), consumer!["consumerId"]!.GetValue<long>());
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(gateway, new { consumerId }));

        var deadline = Stopwatch.StartNew();
        long? orderId = null;
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            // The Order service learns of the restaurant from an event: the order is refused (422) until then.
            orderId ??= (await TrySendAsync(gateway, HttpMethod.Post, "/api/v1/orders", null, new
            {
                consumerId,
                restaurantId,
                lineItems = new[] { new { menuItemId = "1", quantity = 2 } },
                deliveryAddress = new { street1 = "9 West St", city = "Oakland", state = "CA", zip = "94612" },
                deliveryTime = DateTimeOffset.UtcNow.AddHours(1),
            }))?["orderId"]?.GetValue<long>();
            if (orderId is { } placed && (await TrySendAsync(gateway, HttpMethod.Get, $"/api/v1/orders/{placed}", null, null))?["state"]?.GetValue<string>() == "APPROVED")
            {
                return placed;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("No approved order within a minute.");
    }

    private static async Task<string> TokenAsync(HttpClient gateway, object request) =>
        (await SendAsync(gateway, HttpMethod.Post, "/api/v1/auth/token", null, request))!["accessToken"]!.GetValue<string>();

    private static async Task<JsonNode?> SendAsync(HttpClient gateway, HttpMethod method, string path, string? token, object? body) =>
        await TrySendAsync(gateway, method, path, token, body) ?? throw new InvalidOperationException($"{method} {path} failed.");

    private static async Task<JsonNode?> TrySendAsync(HttpClient gateway, HttpMethod method, string path, string? token, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await gateway.SendAsync(request);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonNode>() : null;
    }
}
