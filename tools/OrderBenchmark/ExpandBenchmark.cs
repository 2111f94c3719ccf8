using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.OrderBenchmark;

/// <summary>
/// What <c>?expand=consumer</c> saves a client: one client, one request at a time, reading an order with its
/// consumer either in one round trip (the Order service fetches the consumer over gRPC) or in two (GET the
/// order, then GET its consumer link from the Consumer service). Then the Consumer service is stopped and
/// the expanded read is timed again: the fallback (first failed calls, then the open breaker).
/// </summary>
public static class ExpandBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task RunAsync(int requests) => OrderFlowBenchmark.WithSystemAsync(system => MeasureAsync(system, requests));

    private static async Task MeasureAsync(FtgoSystem system, int requests)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        string Url(string service, string path) => system.Services.Single(s => s.Definition.Name == service).BaseUrl + path;

        var consumerId = await OrderFlowBenchmark.PostForIdAsync(http, Url("consumer", "/v1/consumers"),
            new { name = new { firstName = "Bench", lastName = "Mark" }, orderLimit = "1000.00" }, "consumerId");
        var restaurantId = await OrderFlowBenchmark.PostForIdAsync(http, Url("kitchen", "/v1/restaurants"), new
        {
            name = "Ajanta",
            address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
            menu = new { menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "12.34" } } },
        }, "restaurantId");
        var order = new
        {
            consumerId,
            restaurantId,
            lineItems = new[] { new { menuItemId = "1", quantity = 2 } },
            deliveryAddress = new { street1 = "9 West St", city = "Oakland", state = "CA", zip = "94612" },
            deliveryTime = DateTimeOffset.UtcNow.AddHours(1),
        };
        long orderId;
        var warmUp = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsJsonAsync(Url("order", "/v1/orders"), order, Json);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                orderId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetInt64();
                break;
            }
            if (warmUp.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The Order service still refuses orders after 30 s: {(int)response.StatusCode}");
            }
            await Task.Delay(100);
        }
        var orderUrl = Url("order", $"/v1/orders/{orderId}");

        async Task<JsonElement> GetAsync(string url)
        {
            using var response = await http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        async Task Expanded() => await GetAsync(orderUrl + "?expand=consumer");
        async Task TwoRoundTrips() => await GetAsync((await GetAsync(orderUrl)).GetProperty("_links").GetProperty("consumer").GetProperty("href").GetString()!);

        await TimeAsync(Expanded, 100); // warm-up: connections, JIT, the gRPC channel
        await TimeAsync(TwoRoundTrips, 100);
        // Interleaved, so that both see the same machine (other load comes and goes).
        var (expanded, twoTrips) = (new List<double>(requests), new List<double>(requests));
        for (var i = 0; i < requests; i++)
        {
            expanded.AddRange(await TimeAsync(Expanded, 1));
            twoTrips.AddRange(await TimeAsync(TwoRoundTrips, 1));
        }
        expanded.Sort();
        twoTrips.Sort();

        await system.Services.Single(s => s.Definition.Name == "consumer").Process.StopAsync(TimeSpan.FromSeconds(10));
        var fallback = await TimeAsync(Expanded, requests);

        Console.WriteLine();
        Console.WriteLine($"{requests} reads of an order with its consumer, one client, one request at a time (the two ways interleaved):");
        Report("GET /v1/orders/{id}?expand=consumer (1 round trip)", expanded);
        Report("GET order, then GET its consumer link (2)", twoTrips);
        Report("expand, Consumer service stopped (fallback)", fallback);
    }

    private static async Task<List<double>> TimeAsync(Func<Task> read, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await read();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        latencies.Sort();
        return latencies;
    }

    private static void Report(string what, List<double> sorted) =>
        Console.WriteLine($"  {what,-52} p50 {OrderFlowBenchmark.Percentile(sorted, 50),6:F2} ms   p99 {OrderFlowBenchmark.Percentile(sorted, 99),6:F2} ms   mean {sorted.Average(),6:F2} ms");
}
