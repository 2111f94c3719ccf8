using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FoodOrdering.LocalSystem;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FoodOrdering.OrderBenchmark;

/// <summary>
/// Places orders as fast as a bounded number of clients allows and times each one from its POST (answered
/// APPROVAL_PENDING at once: respond first) to its OrderApproved or OrderRejected event, read from the
/// order-events channel through a queue of the benchmark's own (no polling of the Order service, which
/// would load what is measured). Every service runs as its own Release process on a private PostgreSQL and
/// RabbitMQ, as `./ftgo up` runs them.
/// </summary>
public static class OrderFlowBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task RunAsync(int orders, int concurrency) => WithSystemAsync(system => MeasureAsync(system, orders, concurrency));

    /// <summary>Starts every service as its own Release process on a private PostgreSQL and RabbitMQ, measures, stops all of it.</summary>
    public static async Task WithSystemAsync(Func<FtgoSystem, Task> measure)
    {
        var options = new LaunchOptions
        {
            Configuration = "Release",
            FreePorts = true,
            // Under the repository's (ignored) .ftgo/: PostgreSQL runs as its own user and must reach the folder.
            DataDirectory = Path.Combine(SystemCatalog.RepositoryRoot(), ".ftgo", "order-benchmark"),
            ExternalPostgres = null,
            ExternalRabbitMq = null,
        };
        Console.WriteLine($"Starting the system (Release): {string.Join(", ", options.Services.Select(s => s.Name))} ...");
        var system = await FtgoSystem.StartAsync(options, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        try
        {
            await measure(system);
        }
        finally
        {
            await system.DisposeAsync();
            Directory.Delete(options.DataDirectory, recursive: true);
        }
    }

    private static async Task MeasureAsync(FtgoSystem system, int orders, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(60) };
        string Url(string service, string path) => system.Services.Single(s => s.Definition.Name == service).BaseUrl + path;

        var consumerId = await PostForIdAsync(http, Url("consumer", "/v1/consumers"),
            new { name = new { firstName = "Bench", lastName = "Mark" }, orderLimit = "1000000.00" }, "consumerId");
        var restaurantId = await PostForIdAsync(http, Url("kitchen", "/v1/restaurants"), new
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

        // The outcomes, from the order events.
        var outcomes = new ConcurrentDictionary<long, (string Outcome, long At)>();
        var factory = new ConnectionFactory { Uri = new Uri(system.RabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("order-events", ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "order-events", "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var type = delivery.BasicProperties.Headers?.TryGetValue("ftgo-message-type", out var t) == true && t is byte[] bytes
                ? Encoding.UTF8.GetString(bytes) : "";
            if (type is "OrderApproved" or "OrderRejected")
            {
                var orderId = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("orderId").GetInt64();
                outcomes.TryAdd(orderId, (type, Stopwatch.GetTimestamp()));
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        // The Order service prices orders from its menu replica: wait until the restaurant has reached it.
        var warmUp = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.PostAsJsonAsync(Url("order", "/v1/orders"), order, Json);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                break;
            }
            if (warmUp.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The Order service still refuses orders after 30 s: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(100);
        }
        Console.WriteLine($"The restaurant reached the Order service's menu replica in {warmUp.ElapsedMilliseconds} ms.");

        var cpuBefore = CpuSeconds(system);
        var posted = new ConcurrentDictionary<long, long>();
        var postLatencies = new ConcurrentBag<double>();
        var started = Stopwatch.GetTimestamp();
        using (var gate = new SemaphoreSlim(concurrency))
        {
            await Task.WhenAll(Enumerable.Range(0, orders).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsJsonAsync(Url("order", "/v1/orders"), order, Json);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        throw new InvalidOperationException($"POST /v1/orders: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    postLatencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    posted[body.GetProperty("orderId").GetInt64()] = sent;
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var allPosted = Stopwatch.GetElapsedTime(started);

        var deadline = Stopwatch.StartNew();
        while (posted.Keys.Any(id => !outcomes.ContainsKey(id)))
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{posted.Keys.Count(id => !outcomes.ContainsKey(id))} of {orders} orders did not finish within 10 minutes.");
            }
            await Task.Delay(50);
        }
        var lastOutcome = posted.Keys.Max(id => outcomes[id].At);
        var allDone = Stopwatch.GetElapsedTime(started, lastOutcome);
        var cpuAfter = CpuSeconds(system);

        var approved = posted.Keys.Where(id => outcomes[id].Outcome == "OrderApproved").ToList();
        var toApproved = approved.Select(id => Stopwatch.GetElapsedTime(posted[id], outcomes[id].At).TotalMilliseconds).Order().ToList();
        var post = postLatencies.Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"{orders} orders, {concurrency} concurrent clients: {approved.Count} approved, {orders - approved.Count} rejected");
        Console.WriteLine($"  POST /v1/orders (201 APPROVAL_PENDING): {orders / allPosted.TotalSeconds,8:F0} orders/s   p50 {Percentile(post, 50),7:F1} ms   p99 {Percentile(post, 99),7:F1} ms");
        Console.WriteLine($"  until every order is terminal:          {orders / allDone.TotalSeconds,8:F0} orders/s   ({allDone.TotalSeconds:F1} s)");
        if (toApproved.Count > 0)
        {
            Console.WriteLine($"  POST to OrderApproved:                              p50 {Percentile(toApproved, 50),7:F1} ms   p99 {Percentile(toApproved, 99),7:F1} ms");
        }
        Console.WriteLine($"  CPU seconds used during the run, per process (of {allDone.TotalSeconds * Environment.ProcessorCount:F0} available):");
        foreach (var (name, seconds) in cpuAfter)
        {
            Console.WriteLine($"    {name,-12} {seconds - cpuBefore.GetValueOrDefault(name),6:F1}");
        }
    }

    internal static async Task<long> PostForIdAsync(HttpClient http, string url, object body, string idField)
    {
        using var response = await http.PostAsJsonAsync(url, body, Json);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.GetProperty(idField).GetInt64();
    }

    internal static double Percentile(List<double> sorted, int percentile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];

    /// <summary>User + system CPU time of each service process and of PostgreSQL and RabbitMQ with their children (Linux /proc).</summary>
    private static Dictionary<string, double> CpuSeconds(FtgoSystem system)
    {
        var result = system.Services.ToDictionary(s => s.Definition.Name, s => ProcessTreeCpu(s.Process.Pid));
        foreach (var (name, pid) in new[] { ("postgresql", system.Postgres?.PostmasterPid), ("rabbitmq", system.RabbitMq?.Pids.First()) })
        {
            if (pid is { } root)
            {
                result[name] = ProcessTreeCpu(root);
            }
        }
        return result;
    }

    private static double ProcessTreeCpu(int root)
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // fields[1] is the parent pid; [11], [12] utime and stime in clock ticks (100 per second).
                if (pid == root || int.Parse(fields[1]) == root)
                {
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }
        return ticks / 100.0;
    }
}
