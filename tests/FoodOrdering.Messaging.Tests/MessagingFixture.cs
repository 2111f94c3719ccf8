using FoodOrdering.Contracts;
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
/// </summary>
public abstract class MessagingFixture(RelayKind relay) : IAsyncLifetime
{
    public const string Subscriber = "proof";
    private readonly string name = $"t{Guid.NewGuid().ToString("N")[..10]}";
    private IHost? service;

    public TestDatabase Database { get; private set; } = null!;
    public string RabbitMqUri { get; private set; } = "";
    public MessagingOptions Options { get; private set; } = null!;

    /// <summary>The log-tailing relay's slot for this fixture's database.</summary>
    public string ReplicationSlot => Options.ReplicationSlotFor(Database.Name);

    /// <summary>The subscriber's queue, as named on the broker.</summary>
    public string Queue => Options.ChannelPrefix + Channels.SubscriberQueue(Subscriber, "proof-events");

    public async Task InitializeAsync()
    {
        MessageContracts.AddFrom(typeof(ProofEvent).Assembly);
        Database = await TestDatabase.NewAsync(GetType().Name);
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
        };
        service = await StartServiceAsync(Options);
    }

    /// <summary>The shared test RabbitMQ, unless a fixture needs a broker of its own.</summary>
    protected virtual Task<string> StartRabbitMqAsync() => TestInfrastructure.RabbitMqUriAsync();

    /// <summary>
    /// A process-like host: the relay (unless <see cref="RelayKind.None"/>) and the consumers declared by
    /// <paramref name="consumers"/> (by default: the subscriber of proof-events).
    /// </summary>
    public async Task<IHost> StartServiceAsync(MessagingOptions options, Action<MessagingBuilder>? consumers = null, string instance = "instance-1")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ConsumerInstance(instance));
        builder.Services.AddDbContext<ProofDbContext>(o => o.UseNpgsql(Database.ConnectionString));
        builder.Services.AddMessaging<ProofDbContext>(Database.ConnectionString, RabbitMqUri, options, messaging =>
        {
            messaging.RetryInterval = TimeSpan.FromMilliseconds(50);
            (consumers ?? (m => m.Subscribe<ProofEvent, RecordingHandler>(Subscriber)))(messaging);
        });
        var host = builder.Build();
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
        using var scope = service!.Services.CreateScope();
        var ids = write(scope.ServiceProvider.GetRequiredService<TransactionalOutbox>());
        await scope.ServiceProvider.GetRequiredService<ProofDbContext>().SaveChangesAsync();
        return ids;
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

    public virtual async Task DisposeAsync()
    {
        if (service is not null)
        {
            await service.StopAsync();
            service.Dispose();
        }
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
                await using var drop = new NpgsqlCommand(
                    "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = @slot AND NOT active", connection);
                drop.Parameters.AddWithValue("slot", ReplicationSlot);
                await drop.ExecuteScalarAsync(ct);
                await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE slot_name = @slot", connection);
                left.Parameters.AddWithValue("slot", ReplicationSlot);
                return (long)(await left.ExecuteScalarAsync(ct))! == 0;
            },
            TimeSpan.FromSeconds(30), $"replication slot {ReplicationSlot} to be dropped", CancellationToken.None);
    }
}

public sealed class PollingRelayFixture() : MessagingFixture(RelayKind.Polling);

public sealed class LogTailingRelayFixture() : MessagingFixture(RelayKind.LogTailing);

/// <summary>Only the subscriber: the proof runs the relay itself (e.g. as a process it kills).</summary>
public sealed class SubscriberOnlyFixture() : MessagingFixture(RelayKind.None);
