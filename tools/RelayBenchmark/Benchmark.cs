using System.Collections.Concurrent;
using System.Diagnostics;
using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.ServiceDefaults.Migrations;
using FoodOrdering.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RabbitMQ.Client;

namespace FoodOrdering.RelayBenchmark;

/// <summary>
/// The message relay benchmark (docs/performance.md, "Messaging"). In one run, on private PostgreSQL
/// and RabbitMQ (or FTGO_POSTGRES / FTGO_RABBITMQ): the raw ceilings (outbox insert-commit rate;
/// MassTransit publishing straight to RabbitMQ with confirms), then for each relay its throughput
/// draining a backlog and its commit-to-consume latency at a moderate, paced load.
/// Usage: dotnet run -c Release --project tools/RelayBenchmark [-- messages [rate]]
/// </summary>
public static class Benchmark
{
    private const int Keys = 20;
    private static readonly ConcurrentDictionary<(string Key, int Sequence), long> CommittedAt = new();
    private static readonly ConcurrentDictionary<(string Key, int Sequence), double> LatenciesMs = new();

    public static async Task<int> RunAsync(string[] args)
    {
        var messages = args.Length > 0 ? int.Parse(args[0]) : 20_000;
        var rate = args.Length > 1 ? int.Parse(args[1]) : 200;
        MessageContracts.AddFrom(typeof(ProofEvent).Assembly);
        ConsoleLog.QuietProcesses = true;
        var directory = Path.Combine(Path.GetTempPath(), $"ftgo-relay-benchmark-{Environment.ProcessId}");
        await using var infrastructure = await Infrastructure.StartAsync(directory);

        Console.WriteLine($"Relay benchmark: {messages:N0} messages over {Keys} keys; latency at {rate} single-message commits/s for 10 s");
        Console.WriteLine("| measurement | result |");
        Console.WriteLine("|---|---|");
        var database = await NewDatabaseAsync(infrastructure.Postgres, "raw");
        // A first, unreported round of each raw measurement warms up the JIT and connections.
        await InsertRateAsync(database, infrastructure.RabbitMq, 2_000);
        await RawPublishRateAsync(infrastructure.RabbitMq, 2_000);
        Report("PostgreSQL outbox insert-commit rate (100 rows/tx)", $"{await InsertRateAsync(database, infrastructure.RabbitMq, messages):N0} rows/s");
        Report("MassTransit publish to RabbitMQ with confirms (20 keys in parallel)", $"{await RawPublishRateAsync(infrastructure.RabbitMq, messages):N0} msg/s");
        foreach (var relay in new[] { RelayKind.Polling, RelayKind.LogTailing })
        {
            database = await NewDatabaseAsync(infrastructure.Postgres, relay.ToString());
            Report($"{relay} relay throughput (draining a backlog)", $"{await RelayThroughputAsync(database, infrastructure.RabbitMq, relay, messages):N0} msg/s");
            var (p50, p99) = await LatencyAsync(database, infrastructure.RabbitMq, relay, rate);
            Report($"{relay} commit-to-consume latency at {rate} msg/s", $"p50 {p50:0.0} ms, p99 {p99:0.0} ms");
        }
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    private static void Report(string measurement, string result) => Console.WriteLine($"| {measurement} | {result} |");

    private static async Task<double> InsertRateAsync(string database, string rabbitMq, int messages)
    {
        using var host = await StartHostAsync(database, rabbitMq, Options(RelayKind.None, "raw"), consume: false);
        var stopwatch = Stopwatch.StartNew();
        await WriteAsync(host, messages, perTransaction: 100);
        return messages / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> RawPublishRateAsync(string rabbitMq, int messages)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(rabbitMq)));
        await bus.StartAsync();
        try
        {
            await SinkQueueAsync(rabbitMq, "raw.proof-events");
            var endpoint = await bus.GetSendEndpoint(new Uri("exchange:raw.proof-events"));
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Keys).Select(async key =>
            {
                for (var sequence = 0; sequence < messages / Keys; sequence++)
                {
                    await endpoint.Send(new ProofEvent($"key-{key}", sequence));
                }
            }));
            return messages / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task<double> RelayThroughputAsync(string database, string rabbitMq, RelayKind relay, int messages)
    {
        var options = Options(relay, relay.ToString());
        await SinkQueueAsync(rabbitMq, options.ChannelPrefix + "proof-events");
        // Start once so that the log-tailing relay creates its slot, then build the backlog with the relay stopped.
        using (var warmUp = await StartHostAsync(database, rabbitMq, options, consume: false))
        {
            await WaitUntilAllSentAsync(database, 0, TimeSpan.FromSeconds(30));
            await WriteAsync(warmUp, 1, 1);
            await WaitUntilAllSentAsync(database, 1, TimeSpan.FromSeconds(30));
            await warmUp.StopAsync();
        }
        using (var writer = await StartHostAsync(database, rabbitMq, options with { Relay = RelayKind.None }, consume: false))
        {
            await WriteAsync(writer, messages, perTransaction: 100);
            await writer.StopAsync();
        }

        var stopwatch = Stopwatch.StartNew();
        using var host = await StartHostAsync(database, rabbitMq, options, consume: false);
        await WaitUntilAllSentAsync(database, messages + 1, TimeSpan.FromMinutes(5));
        var elapsed = stopwatch.Elapsed;
        await host.StopAsync();
        return messages / elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99)> LatencyAsync(string database, string rabbitMq, RelayKind relay, int rate)
    {
        LatenciesMs.Clear();
        CommittedAt.Clear();
        using var host = await StartHostAsync(database, rabbitMq, Options(relay, relay.ToString()), consume: true);
        var total = rate * 10;
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        for (var i = 0; i < total; i++)
        {
            await pace.WaitForNextTickAsync();
            var message = new ProofEvent($"latency-{i % Keys}", i / Keys);
            // Taken before the commit, so the figure includes the commit itself (it errs on the slow side).
            CommittedAt[(message.Key, message.Sequence)] = Stopwatch.GetTimestamp();
            await WriteAsync(host, [message]);
        }
        await Wait.UntilAsync(_ => Task.FromResult(LatenciesMs.Count >= total), TimeSpan.FromMinutes(2), "every message to be consumed", CancellationToken.None);
        await host.StopAsync();
        // The first second (rate messages = rate / Keys sequences per key) warms up connections and JIT.
        var sorted = LatenciesMs.Where(l => l.Key.Sequence >= rate / Keys).Select(l => l.Value).Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    /// <summary>Records how long after its commit each message reached its handler.</summary>
    public sealed class LatencyHandler : IMessageHandler<ProofEvent>
    {
        public static string Name => "benchmark.latency";

        public Task HandleAsync(IncomingMessage<ProofEvent> message, CancellationToken cancellationToken)
        {
            var key = (message.Body.Key, message.Body.Sequence);
            LatenciesMs[key] = Stopwatch.GetElapsedTime(CommittedAt[key]).TotalMilliseconds;
            return Task.CompletedTask;
        }
    }

    private static MessagingOptions Options(RelayKind relay, string name) => new()
    {
        Relay = relay,
        ServiceName = $"bench{name}{Environment.ProcessId}",
        ChannelPrefix = $"bench-{name}.",
    };

    private static async Task<IHost> StartHostAsync(string database, string rabbitMq, MessagingOptions options, bool consume)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<OutboxDbContext>(o => o.UseNpgsql(database));
        builder.Services.AddMessaging<OutboxDbContext>(database, rabbitMq, options, messaging =>
        {
            if (consume)
            {
                messaging.Subscribe<ProofEvent, LatencyHandler>("benchmark");
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }

    private static async Task WriteAsync(IHost host, int messages, int perTransaction)
    {
        foreach (var transaction in Enumerable.Range(0, messages).Select(i => new ProofEvent($"key-{i % Keys}", i / Keys)).Chunk(perTransaction))
        {
            await WriteAsync(host, transaction);
        }
    }

    private static async Task WriteAsync(IHost host, IEnumerable<ProofEvent> transaction)
    {
        using var scope = host.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<TransactionalOutbox>();
        foreach (var message in transaction)
        {
            outbox.Publish(message, message.Key);
        }
        await scope.ServiceProvider.GetRequiredService<OutboxDbContext>().SaveChangesAsync();
    }

    private static Task WaitUntilAllSentAsync(string database, int count, TimeSpan timeout) =>
        Wait.UntilAsync(async ct =>
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT count(*) FILTER (WHERE sent_at IS NOT NULL) = @count AND count(*) = @count FROM outbox", connection);
            command.Parameters.AddWithValue("count", (long)count);
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, timeout, $"{count} outbox rows to be sent", CancellationToken.None);

    /// <summary>A queue on the channel, so the broker stores what it confirms (as with a real subscriber), without consuming it.</summary>
    private static async Task SinkQueueAsync(string rabbitMq, string exchange)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(rabbitMq) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(exchange + ".sink", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(exchange + ".sink", exchange, "");
    }

    private static async Task<string> NewDatabaseAsync(string server, string name)
    {
        var database = $"{server};Database=relay_benchmark_{name.ToLowerInvariant()}_{Environment.ProcessId}";
        await new SqlMigrationRunner(database, [MessagingExtensions.SchemaTrack], NullLogger.Instance).ApplyAsync();
        return database;
    }

    /// <summary>Private PostgreSQL and RabbitMQ for this run, unless FTGO_POSTGRES / FTGO_RABBITMQ name existing ones.</summary>
    private sealed class Infrastructure(string postgres, string rabbitMq, PrivatePostgres? privatePostgres, PrivateRabbitMq? privateRabbitMq) : IAsyncDisposable
    {
        public string Postgres { get; } = postgres;
        public string RabbitMq { get; } = rabbitMq;

        public static async Task<Infrastructure> StartAsync(string directory)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var postgres = Environment.GetEnvironmentVariable("FTGO_POSTGRES") is { Length: > 0 } p ? null
                : await PrivatePostgres.StartAsync(Path.Combine(directory, "postgres"), Network.FreePort(), timeout.Token);
            var rabbitMq = Environment.GetEnvironmentVariable("FTGO_RABBITMQ") is { Length: > 0 } r ? null
                : await PrivateRabbitMq.StartAsync(Path.Combine(directory, "rabbitmq"), Network.FreePort(), Network.FreePort(), 0, timeout.Token);
            return new Infrastructure(postgres?.ServerConnectionString ?? Environment.GetEnvironmentVariable("FTGO_POSTGRES")!,
                rabbitMq?.AmqpUri ?? Environment.GetEnvironmentVariable("FTGO_RABBITMQ")!, postgres, rabbitMq);
        }

        public async ValueTask DisposeAsync()
        {
            if (privateRabbitMq is not null)
            {
                await privateRabbitMq.DisposeAsync();
            }
            if (privatePostgres is not null)
            {
                await privatePostgres.DisposeAsync();
            }
        }
    }
}
