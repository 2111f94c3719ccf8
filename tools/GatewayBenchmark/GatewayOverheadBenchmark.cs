using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.GatewayBenchmark;

/// <summary>
/// What the gateway adds to a request: the same <c>GET /v1/consumers/{id}</c> (one primary-key read in
/// the Consumer service) sent directly and as <c>GET /api/v1/consumers/{id}</c> through the gateway with
/// a consumer's token (JWT check, route, identity headers, rate limiter, proxy), one request at a time on
/// a kept-alive connection, in alternating rounds so that both see the same machine. Each figure is over
/// every request of every round; the overhead is the difference of the two.
/// </summary>
public static class GatewayOverheadBenchmark
{
    public static async Task RunAsync(int requests, int rounds)
    {
        var options = new LaunchOptions
        {
            Configuration = "Release",
            FreePorts = true,
            // Under the repository's (ignored) .ftgo/: PostgreSQL runs as its own user and must reach the folder.
            DataDirectory = Path.Combine(SystemCatalog.RepositoryRoot(), ".ftgo", "gateway-benchmark"),
            ExternalPostgres = null,
            ExternalRabbitMq = null,
            Services = [.. SystemCatalog.Services.Where(s => s.Name is "consumer" || s.IsGateway)],
            // The benchmark is one client asking as fast as it can: not what the rate limit is for.
            GatewaySettings = new Dictionary<string, string> { ["Gateway__RateLimit__PermitLimit"] = "100000000" },
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
        string Url(string service) => system.Services.Single(s => s.Definition.Name == service).BaseUrl;
        using var direct = new HttpClient { BaseAddress = new Uri(Url("consumer")) };
        using var gateway = new HttpClient { BaseAddress = new Uri(Url("gateway")) };

        var signUp = await direct.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Bench", lastName = "Mark" }, orderLimit = "100.00" });
        var consumerId = (await signUp.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
        var token = await gateway.PostAsJsonAsync("/api/v1/auth/token", new { consumerId });
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>())!["accessToken"]!.GetValue<string>());

        var directPath = $"/v1/consumers/{consumerId}";
        var gatewayPath = $"/api/v1/consumers/{consumerId}";
        // Warm-up: JIT, connection pools, EF's compiled query, YARP's route table.
        await TimeAsync(direct, directPath, requests / 4);
        await TimeAsync(gateway, gatewayPath, requests / 4);

        List<double> directTimes = [], gatewayTimes = [];
        for (var round = 0; round < rounds; round++)
        {
            directTimes.AddRange(await TimeAsync(direct, directPath, requests));
            gatewayTimes.AddRange(await TimeAsync(gateway, gatewayPath, requests));
        }
        Console.WriteLine($"{rounds} alternating rounds of {requests} sequential GETs each way (a consumer by id):");
        Console.WriteLine($"{"",-44} {"p50 ms",8} {"p99 ms",8} {"mean ms",8}");
        Print("direct to the Consumer service", directTimes);
        Print("through the gateway (with token)", gatewayTimes);
        Console.WriteLine($"{"gateway overhead",-44} {Percentile(gatewayTimes, 0.50) - Percentile(directTimes, 0.50),8:0.000} " +
            $"{Percentile(gatewayTimes, 0.99) - Percentile(directTimes, 0.99),8:0.000} {gatewayTimes.Average() - directTimes.Average(),8:0.000}");
    }

    internal static async Task<List<double>> TimeAsync(HttpClient http, string path, int requests)
    {
        var times = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path);
            await response.Content.LoadIntoBufferAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
        }
        return times;
    }

    internal static void Print(string what, List<double> times) =>
        Console.WriteLine($"{what,-44} {Percentile(times, 0.50),8:0.000} {Percentile(times, 0.99),8:0.000} {times.Average(),8:0.000}");

    private static double Percentile(List<double> times, double p)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
