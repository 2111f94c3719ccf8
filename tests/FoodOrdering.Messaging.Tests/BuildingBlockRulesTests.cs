using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Relay;
using FoodOrdering.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FoodOrdering.Messaging.Tests;

/// <summary>Mistakes the building block refuses at start-up, and small rules with big consequences.</summary>
public sealed class BuildingBlockRulesTests
{
    static BuildingBlockRulesTests() => MessageContracts.AddFrom(typeof(ProofEvent).Assembly);

    private static MessagingBuilder Messaging() => new(new ServiceCollection(), new MessagingOptions());

    [Fact]
    public void Subscribing_to_a_command_or_handling_an_event_as_a_command_stops_the_start_up()
    {
        Assert.Contains("takes an Event or a Query contract", Assert.Throws<InvalidOperationException>(() => Messaging().Subscribe<ProofRequest, RecordingHandler>("proof")).Message);
        Assert.Contains("takes a Command contract", Assert.Throws<InvalidOperationException>(() => Messaging().Handle<ProofEvent, RecordingHandler>()).Message);
        Assert.Contains("takes a Reply contract", Assert.Throws<InvalidOperationException>(() => Messaging().HandleReply<ProofRequest, RecordingHandler>("x-replies")).Message);
        Assert.Contains("takes a Reply contract", Assert.Throws<InvalidOperationException>(() => Messaging().HandleQueryReply<ProofEvent, RecordingHandler>("x-replies")).Message);
    }

    [Fact]
    public void A_sharded_channel_is_consumed_only_by_its_partitions_and_only_a_sharded_one()
    {
        Assert.Contains("HandleSharded", Assert.Throws<InvalidOperationException>(() => Messaging().Handle<ProofCommand, RecordingHandler>()).Message);
        Assert.Contains("not one", Assert.Throws<InvalidOperationException>(() => Messaging().HandleSharded<ProofRequest, RecordingHandler>(new ShardedChannel(0, 1))).Message);
    }

    [Fact]
    public void Two_handlers_with_one_inbox_name_stop_the_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Messaging()
            .Subscribe<ProofEvent, RecordingHandler>("proof")
            .Handle<ProofRequest, SameNameHandler>());

        Assert.Contains("both named 'proof.recording'", error.Message);
    }

    [Fact]
    public void Two_contracts_with_one_name_stop_the_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MessageContracts.Add([typeof(Clash.One.Twin), typeof(Clash.Two.Twin)]));

        Assert.Contains("Two message contracts are named Twin", error.Message);
    }

    [Fact]
    public void The_replication_slot_is_named_after_the_service_and_the_database_and_fits_PostgreSQLs_limit()
    {
        var options = new MessagingOptions { ServiceName = "consumer" };

        Assert.Equal("outbox_relay_consumer__ftgo_consumer", options.ReplicationSlotFor("ftgo_consumer"));
        Assert.NotEqual(options.ReplicationSlotFor("ftgo_consumer"), options.ReplicationSlotFor("ftgo_consumer_lab"));
        var longest = options.ReplicationSlotFor(new string('d', 63));
        Assert.True(longest.Length <= 63);
        Assert.NotEqual(longest, options.ReplicationSlotFor(new string('d', 62) + "e"));
    }

    [Fact]
    public async Task The_relay_connection_asks_the_server_for_keepalives_so_a_vanished_relay_releases_its_lock_in_seconds()
    {
        await using var connection = RelayConnection.Create(await TestInfrastructure.PostgresServerAsync() + ";Database=postgres", "keepalive-check");
        await connection.OpenAsync();

        foreach (var (setting, value) in new[] { ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3") })
        {
            await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
            Assert.Equal(value, await show.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_private_PostgreSQL_limits_the_WAL_an_abandoned_slot_may_keep_as_compose_and_kubernetes_do()
    {
        await using var connection = new NpgsqlConnection(await TestInfrastructure.PostgresServerAsync() + ";Database=postgres");
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW max_slot_wal_keep_size", connection);
        Assert.Equal("1GB", await show.ExecuteScalarAsync());

        var root = LocalSystem.SystemCatalog.RepositoryRoot();
        Assert.Contains("max_slot_wal_keep_size=1GB", await File.ReadAllTextAsync(Path.Combine(root, "docker-compose.yml")));
        Assert.Contains("max_slot_wal_keep_size=1GB", await File.ReadAllTextAsync(Path.Combine(root, "k8s", "infrastructure.yaml")));
    }

    [Theory]
    [InlineData("57P01", true)] // admin shutdown: the database is restarting
    [InlineData("08006", true)] // connection failure
    [InlineData("40001", true)] // serialization failure
    [InlineData("40P01", true)] // deadlock
    [InlineData("23505", false)] // unique violation: a rule, not a passing failure
    [InlineData("42P01", false)] // undefined table: a bug
    public void Transient_database_failures_are_told_from_permanent_ones(string sqlState, bool transient) =>
        Assert.Equal(transient, TransientFailures.IsTransient(new InvalidOperationException("wrapped", new PostgresException("x", "ERROR", "ERROR", sqlState))));

    private sealed class SameNameHandler : IMessageHandler<ProofRequest>
    {
        public static string Name => "proof.recording";

        public Task HandleAsync(IncomingMessage<ProofRequest> message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
