using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
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

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// One test class's world: a fresh database with the messaging schema, a unique channel prefix on the
/// shared RabbitMQ (so classes never see each other's messages), and a running "service" made of the
/// chosen message relay plus a subscriber whose <see cref="RecordingHandler"/> runs in the inbox.
/// Every host it starts logs into <see cref="Logs"/>.
/// </summary>
public abstract class MessagingFixture(RelayKind relay) : IAsyncLifetime
{
    public const string Subscriber = "proof";
    private readonly string name = $"t{Guid.NewGuid().ToString("N")[..10]}";
    private IHost? service;

    public TestDatabase Database { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public string RabbitMqUri { get; private set; } = "";
    public MessagingOptions Options { get; private set; } = null!;

    /// <summary>The metrics of the fixture's own service (its subscriber: handled, duplicates skipped, ...).</summary>
    public MessagingMetrics SubscriberMetrics => service!.Services.GetRequiredService<MessagingMetrics>();

    /// <summary>The log-tailing relay's slot for this fixture's database.</summary>
    public string ReplicationSlot => Options.ReplicationSlotFor(Database.Name);

    /// <summary>The subscriber's queue, as named on the broker.</summary>
    public string Queue => Options.ChannelPrefix + Channels.SubscriberQueue(Subscriber, "proof-events");

    public async Task InitializeAsync()
    {
        MessageContracts.AddFrom(typeof(ProofEvent).Assembly);
        Database = await TestDatabase.NewAsync(GetType().Name, await StartPostgresAsync());
        RabbitMqUri = await StartRabbitMqAsync();
        await new SqlMigrationRunner(Database.ConnectionString, [MessagingExtensions.SchemaTrack, MigrationTrack.Service(typeof(ProofDbContext).Assembly)],
            NullLogger.Instance).ApplyAsync();
        Options = new MessagingOptions
        {
            Relay = relay,
            ServiceName = name,
            ChannelPrefix = name + ".",
            PollInterval = TimeSpan.FromSeconds(1),
            ErrorBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(2),
        };
        service = await StartServiceAsync(Options);
    }

    /// <summary>The shared test RabbitMQ, unless a fixture needs a broker of its own.</summary>
    protected virtual Task<string> StartRabbitMqAsync() => TestInfrastructure.RabbitMqUriAsync();

    /// <summary>The shared test PostgreSQL server, unless a fixture needs one of its own.</summary>
    protected virtual Task<string> StartPostgresAsync() => TestInfrastructure.PostgresServerAsync();

    /// <summary>
    /// A process-like host: the relay (unless <see cref="RelayKind.None"/>) and the consumers declared by
    /// <paramref name="consumers"/> (by default: the subscriber of proof-events).
    /// </summary>
    public async Task<IHost> StartServiceAsync(MessagingOptions options, Action<MessagingBuilder>? consumers = null, string instance = "instance-1",
        TimeSpan handlingTime = default, string? database = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Debug)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("MassTransit", LogLevel.Warning);
        builder.Services.AddSingleton(new ConsumerInstance(instance, handlingTime));
        builder.Services.AddDbContext<ProofDbContext>(o => o.UseNpgsql(database ?? Database.ConnectionString));
        builder.Services.AddMessaging<ProofDbContext>(database ?? Database.ConnectionString, RabbitMqUri, options, messaging =>
        {
            messaging.RetryInterval = TimeSpan.FromMilliseconds(50);
            (consumers ?? (m => m.Subscribe<ProofEvent, RecordingHandler>(Subscriber)))(messaging);
        });
        var host = new StoppedOnDispose(builder.Build());
        await host.StartAsync();
        // Messages published before the subscriber's queue is bound would be dropped: wait for the bus to be ready.
        var health = await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(BusHealthStatus.Healthy, health);
        return host;
    }

    /// <summary>Publishes <paramref name="events"/> through the outbox in one committed transaction; returns the message ids.</summary>
    public Task<List<Guid>> CommitAsync(IEnumerable<ProofEvent> events) =>
        CommitAsync(outbox => events.Select(e => outbox.Publish(e, e.Key)).ToList());

    /// <summary>Writes to the outbox with <paramref name="write"/> and commits (one SaveChanges, one transaction).</summary>
    public async Task<List<Guid>> CommitAsync(Func<TransactionalOutbox, List<Guid>> write)
    {
        await using var db = NewDbContext();
        var ids = write(new TransactionalOutbox(db));
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>
    /// An outbox row written by hand, as another version of the service (or a bad migration) could have
    /// left it: any type, channel, payload and headers. Returns its id.
    /// </summary>
    public async Task<Guid> InsertOutboxRowAsync(string channel, string messageType, string key, string payload, string headers = "{}",
        Guid? correlationId = null)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO outbox (id, channel, message_type, schema_version, message_key, correlation_id, payload, headers)
            VALUES (@id, @channel, @type, 1, @key, @correlation, @payload, @headers::jsonb)
            """, connection);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("channel", channel);
        insert.Parameters.AddWithValue("type", messageType);
        insert.Parameters.AddWithValue("key", key);
        insert.Parameters.AddWithValue("correlation", correlationId ?? Guid.NewGuid());
        insert.Parameters.AddWithValue("payload", payload);
        insert.Parameters.AddWithValue("headers", headers);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public async Task<List<ReceivedMessage>> ReceivedAsync(string keyPrefix)
    {
        await using var db = NewDbContext();
        return await db.ReceivedMessages.Where(r => r.MessageKey.StartsWith(keyPrefix)).OrderBy(r => r.Id).ToListAsync();
    }

    public Task WaitUntilReceivedAsync(string keyPrefix, int count, TimeSpan? timeout = null) =>
        Wait.UntilAsync(async _ => (await ReceivedAsync(keyPrefix)).Count >= count, timeout ?? TimeSpan.FromSeconds(30),
            $"{count} messages with keys {keyPrefix}* to be processed", CancellationToken.None);

    public ProofDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<ProofDbContext>().UseNpgsql(Database.ConnectionString).Options);

    /// <summary>
    /// A message relay and nothing else as a real child process (tools/RelayBenchmark <c>relay</c>), on this
    /// fixture's database and broker, for proofs that kill it with SIGKILL.
    /// </summary>
    public ManagedProcess StartRelayProcess(RelayKind relay, string name, params string[] moreArguments) =>
        ManagedProcess.Start(name, 0, "dotnet",
        [
            SystemCatalog.BuiltAssembly("tools/RelayBenchmark", "FoodOrdering.RelayBenchmark"), "relay",
            $"--ConnectionStrings:Outbox={Database.ConnectionString}",
            $"--ConnectionStrings:RabbitMq={RabbitMqUri}",
            $"--Messaging:Relay={relay}",
            $"--Messaging:ServiceName={Options.ServiceName}",
            $"--Messaging:ChannelPrefix={Options.ChannelPrefix}",
            "--Messaging:ErrorBackoff=00:00:00.200",
            "--Logging:LogLevel:Default=Warning",
            .. moreArguments,
        ]);

    /// <summary>Sent rows, of the keys starting with <paramref name="keyPrefix"/> (other tests of the class share the table).</summary>
    public Task<long> SentCountAsync(string keyPrefix = "") =>
        Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND message_key LIKE '{keyPrefix}%'");

    /// <summary>Stops the fixture's own service (relay and subscriber), e.g. to run the relay as a process instead.</summary>
    public async Task StopServiceAsync()
    {
        if (service is not null)
        {
            await service.StopAsync();
            service.Dispose();
            service = null;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await StopServiceAsync();
        await DropReplicationSlotAsync();
        await Database.DisposeAsync();
    }

    // A database with a replication slot cannot be dropped; the slot frees once its relay disconnected.
    private async Task DropReplicationSlotAsync()
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await Wait.UntilAsync(async ct =>
            {
                await using var drop = new NpgsqlCommand("""
                    SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots
                    WHERE database = current_database() AND NOT active
                    """, connection);
                await drop.ExecuteScalarAsync(ct);
                await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()", connection);
                return (long)(await left.ExecuteScalarAsync(ct))! == 0;
            },
            TimeSpan.FromSeconds(30), $"the replication slots of {Database.Name} to be dropped", CancellationToken.None);
    }
}

public sealed class PollingRelayFixture() : MessagingFixture(RelayKind.Polling);

public sealed class LogTailingRelayFixture() : MessagingFixture(RelayKind.LogTailing);

/// <summary>Only the subscriber: the proof runs the relay itself (e.g. as a process it kills).</summary>
public sealed class SubscriberOnlyFixture() : MessagingFixture(RelayKind.None);

/// <summary>
/// A host that is stopped, not only disposed, when a test's <c>using</c> ends, even when the test failed
/// half-way: a relay left running would hold the relay lock (or drop slots) in the next test's database.
/// </summary>
public sealed class StoppedOnDispose(IHost host) : IHost
{
    public IServiceProvider Services => host.Services;

    public Task StartAsync(CancellationToken cancellationToken = default) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => host.StopAsync(cancellationToken);

    public void Dispose()
    {
        // Stopping a stopped host does nothing, so tests may still stop it themselves first.
        host.StopAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        host.Dispose();
    }
}
