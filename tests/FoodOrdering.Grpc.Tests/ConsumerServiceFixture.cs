using System.Collections.Concurrent;
using System.Net.Http.Json;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Npgsql;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// The real Consumer service, started as a process by the launcher on the shared test PostgreSQL and
/// RabbitMQ, with one consumer (Ada, order limit 500.00) signed up over REST. Shared by every test of
/// the collection, which run one after the other, because some of them make its database slow or
/// unreachable for a moment.
/// </summary>
public sealed class ConsumerServiceFixture : IAsyncLifetime
{
    public const string OrderLimit = "500.00";
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyCollection<string>>>> peerOutputs = new();
    private TestSystem system = null!;
    private DescriptorSetFile descriptorSet = null!;

    public string GrpcUrl { get; private set; } = "";
    public string RestUrl { get; private set; } = "";
    public long ConsumerId { get; private set; }

    /// <summary>
    /// The descriptors the foreign peers call with: consumer.proto (and what it imports) as generated from our
    /// IDL, plus grpc.health.v1 and grpc.reflection v1/v1alpha as Grpc.AspNetCore serves them.
    /// </summary>
    public string DescriptorSetPath => descriptorSet.Path;

    private string ConnectionString => system.System.ConnectionString(system.Service("consumer").Definition);
    private string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    public async Task InitializeAsync()
    {
        descriptorSet = await InteropPeer.WriteDescriptorSetAsync(
            ConsumerReflection.Descriptor,
            global::Grpc.Health.V1.HealthReflection.Descriptor,
            global::Grpc.Reflection.V1.ReflectionReflection.Descriptor,
            global::Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor);
        system = await TestSystem.StartAsync(["consumer"]);
        RestUrl = system.Service("consumer").BaseUrl;
        GrpcUrl = system.Service("consumer").GrpcUrl;
        using var http = new HttpClient();
        var created = await http.PostAsJsonAsync($"{RestUrl}/v1/consumers",
            new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = OrderLimit });
        created.EnsureSuccessStatusCode();
        ConsumerId = (await created.Content.ReadFromJsonAsync<CreatedConsumer>())!.ConsumerId;
    }

    public async Task DisposeAsync()
    {
        await system.DisposeAsync();
        descriptorSet.Dispose();
    }

    /// <summary>
    /// Runs a foreign client script through every phase once (the first test of that peer that asks) and
    /// returns all it printed ("PASS scenario" or "FAIL scenario: why"):
    /// serving; slow (the consumers table locked by another transaction, so a call outlives its
    /// deadline); database down (the service's database refuses connections: INTERNAL, NOT_SERVING);
    /// recovered (SERVING again).
    /// </summary>
    public Task<IReadOnlyCollection<string>> OutputOfAsync(string program, string script) =>
        peerOutputs.GetOrAdd(script, _ => new(() => RunAllPhasesAsync(program, script))).Value;

    private async Task<IReadOnlyCollection<string>> RunAllPhasesAsync(string program, string script)
    {
        var lines = new List<string>();
        async Task RunPhaseAsync(string phase) =>
            lines.AddRange(await InteropPeer.RunToEndAsync(program, script, DescriptorSetPath, new Uri(GrpcUrl).Authority, ConsumerId.ToString(), phase));

        await RunPhaseAsync("serving");
        await using (await LockConsumersTableAsync())
        {
            await RunPhaseAsync("slow");
        }
        await using (await RefuseConnectionsAsync())
        {
            await RunPhaseAsync("database_down");
        }
        await RunPhaseAsync("recovered");
        return lines;
    }

    /// <summary>Another transaction holds an exclusive lock on the consumers table until disposed: every read waits.</summary>
    private async Task<IAsyncDisposable> LockConsumersTableAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE consumers IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new Undo(async () =>
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        });
    }

    /// <summary>
    /// The service's database refuses new connections and its open ones are ended, as if its server were
    /// gone, until disposed; then waits until /health/ready answers 200 again.
    /// </summary>
    private async Task<IAsyncDisposable> RefuseConnectionsAsync()
    {
        var server = await TestInfrastructure.PostgresServerAsync();
        await ExecuteOnServerAsync(server, $"""ALTER DATABASE "{DatabaseName}" WITH ALLOW_CONNECTIONS false""");
        await ExecuteOnServerAsync(server, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DatabaseName}'");
        return new Undo(async () =>
        {
            await ExecuteOnServerAsync(server, $"""ALTER DATABASE "{DatabaseName}" WITH ALLOW_CONNECTIONS true""");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Wait.UntilAsync(async ct => (await http.GetAsync($"{RestUrl}/health/ready", ct)).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), "the Consumer service to be ready again", CancellationToken.None);
        });
    }

    private static async Task ExecuteOnServerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection($"{server};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record CreatedConsumer(long ConsumerId);

    private sealed class Undo(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}

/// <summary>The tests that share one Consumer service process, run one class after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ConsumerServiceCollection : ICollectionFixture<ConsumerServiceFixture>
{
    public const string Name = "The Consumer service over gRPC";
}
