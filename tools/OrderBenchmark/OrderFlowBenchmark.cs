using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FoodOrdering.OrderBenchmark;

/// <summary>
/// Places N orders as fast as a bounded number of concurrent clients allows, against a running system
/// (`./ftgo up`: Consumer, Kitchen, Accounting and Order services), and measures until every order is
/// terminal: orders/s, and POST-to-APPROVED latency (p50, p99). Terminal states are read from the
/// order-events channel (a queue of the benchmark's own, bound to the exchange), not by polling each
/// order, so measuring adds no load on the Order service. Loopback only; bounded in orders and time.
/// <code>
/// dotnet run -c Release --project tools/OrderBenchmark -- [--orders 2000] [--concurrency 32] [--timeout 600]
///     [--order-url http://127.0.0.1:8084] [--consumer-url http://127.0.0.1:8081] [--kitchen-url http://127.0.0.1:8082]
///     [--rabbitmq amqp://guest:guest@127.0.0.1:15673/]
/// </code>
/// </summary>
public static class OrderFlowBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));

        Console.WriteLine($"Order flow benchmark: {options.Orders} orders, {options.Concurrency} concurrent clients, against {options.OrderUrl}");
        var consumerId = await CreateAsync(http, $"{options.ConsumerUrl}/v1/consumers",
            new { name = new { firstName = "Bench", lastName = "Mark" }, orderLimit = "1000000.00" }, "consumerId");
        var restaurantId = await CreateAsync(http, $"{options.KitchenUrl}/v1/restaurants", new
        {
            name = "Benchmark Curry House",
            address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
            menu = new { menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "12.34" } } },
        }, "restaurantId");

        var terminal = new ConcurrentDictionary<long, (string State, long At)>();
        await using var events = await WatchOrderEventsAsync(options.RabbitMqUri, terminal);

        // The Order service prices orders from its menu replica: wait until the new restaurant reached it.
        var order = OrderBody(consumerId, restaurantId);
        await Wait.UntilAsync(async ct => (await http.PostAsJsonAsync($"{options.OrderUrl}/v1/orders", order, ct)).StatusCode == HttpStatusCode.Created,
            TimeSpan.FromSeconds(30), "the Order service's menu replica to know the benchmark's restaurant", deadline.Token);
        await Wait.UntilAsync(_ => Task.FromResult(!terminal.IsEmpty), TimeSpan.FromSeconds(60), "the warm-up order to finish", deadline.Token);
        terminal.Clear();

        var posted = new ConcurrentDictionary<long, long>();
        var postLatencies = new ConcurrentBag<double>();
        var failures = 0;
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Orders),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = deadline.Token },
            async (_, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                var response = await http.PostAsJsonAsync($"{options.OrderUrl}/v1/orders", order, ct);
                postLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref failures);
                    return;
                }
                posted[(await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["orderId"]!.GetValue<long>()] = started;
            });
        var postsDone = Stopwatch.GetElapsedTime(start);
        await Wait.UntilAsync(_ => Task.FromResult(posted.Keys.All(terminal.ContainsKey)), TimeSpan.FromSeconds(options.TimeoutSeconds),
            $"all {posted.Count} orders to be APPROVED or REJECTED", deadline.Token, () => $"{posted.Keys.Count(terminal.ContainsKey)} of {posted.Count} are terminal");
        var allTerminal = Stopwatch.GetElapsedTime(start, posted.Keys.Max(id => terminal[id].At));

        var approved = posted.Keys.Where(id => terminal[id].State == "OrderApproved").ToList();
        var toApproved = approved.Select(id => Stopwatch.GetElapsedTime(posted[id], terminal[id].At).TotalMilliseconds).Order().ToList();
        Console.WriteLine($"placed {posted.Count} orders in {postsDone.TotalSeconds:0.0} s ({posted.Count / postsDone.TotalSeconds:0} POST/s; {failures} POSTs failed); " +
                          $"POST latency p50 {Percentile([.. postLatencies.Order()], 0.50):0} ms, p99 {Percentile([.. postLatencies.Order()], 0.99):0} ms");
        Console.WriteLine($"all terminal after {allTerminal.TotalSeconds:0.0} s: {posted.Count / allTerminal.TotalSeconds:0.0} orders/s " +
                          $"({approved.Count} APPROVED, {posted.Count - approved.Count} REJECTED)");
        Console.WriteLine($"POST to APPROVED: p50 {Percentile(toApproved, 0.50):0} ms, p99 {Percentile(toApproved, 0.99):0} ms, max {toApproved.LastOrDefault():0} ms");
        return failures == 0 && approved.Count == posted.Count ? 0 : 1;
    }

    private static object OrderBody(long consumerId, long restaurantId) => new
    {
        consumerId,
        restaurantId,
        lineItems = new[] { new { menuItemId = "1", quantity = 1 } },
        deliveryAddress = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
        deliveryTime = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture),
    };

    private static async Task<long> CreateAsync(HttpClient http, string url, object body, string idField)
    {
        var response = await http.PostAsJsonAsync(url, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())![idField]!.GetValue<long>();
    }

    /// <summary>An exclusive queue on the order-events channel: the time each order's OrderApproved or OrderRejected arrives.</summary>
    private static async Task<IAsyncDisposable> WatchOrderEventsAsync(string rabbitMqUri, ConcurrentDictionary<long, (string, long)> terminal)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(rabbitMqUri), ClientProvidedName = "order benchmark" }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Channels.OrderEvents, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Channels.OrderEvents, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var type = delivery.BasicProperties.Headers is { } headers && headers.TryGetValue("ftgo-message-type", out var value) && value is byte[] bytes
                ? Encoding.UTF8.GetString(bytes)
                : "";
            if (type is "OrderApproved" or "OrderRejected" && long.TryParse(delivery.RoutingKey, out var orderId))
            {
                terminal.TryAdd(orderId, (type, Stopwatch.GetTimestamp()));
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return new Watch(connection, channel);
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    private sealed class Watch(IConnection connection, IChannel channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await channel.CloseAsync();
            await connection.CloseAsync();
        }
    }

    private sealed record Options(int Orders, int Concurrency, int TimeoutSeconds, string OrderUrl, string ConsumerUrl, string KitchenUrl, string RabbitMqUri)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>();
            for (var i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
                }
                values[args[i][2..]] = args[i + 1];
            }
            var known = new[] { "orders", "concurrency", "timeout", "order-url", "consumer-url", "kitchen-url", "rabbitmq" };
            if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            {
                throw new ArgumentException($"Unknown option --{unknown}; known: {string.Join(", ", known.Select(k => "--" + k))}.");
            }
            string Url(string name, int port) => values.GetValueOrDefault(name, $"http://127.0.0.1:{port}");
            int Port(string name) => SystemCatalog.Services.FirstOrDefault(s => s.Name == name)?.RestPort ?? 0;
            return new Options(
                int.Parse(values.GetValueOrDefault("orders", "2000"), CultureInfo.InvariantCulture),
                int.Parse(values.GetValueOrDefault("concurrency", "32"), CultureInfo.InvariantCulture),
                int.Parse(values.GetValueOrDefault("timeout", "600"), CultureInfo.InvariantCulture),
                Url("order-url", Port("order")),
                Url("consumer-url", Port("consumer")),
                Url("kitchen-url", Port("kitchen") is > 0 and var kitchen ? kitchen : 8082),
                values.GetValueOrDefault("rabbitmq", $"amqp://guest:guest@127.0.0.1:{SystemCatalog.RabbitMqAmqpPort}/"));
        }
    }
}
