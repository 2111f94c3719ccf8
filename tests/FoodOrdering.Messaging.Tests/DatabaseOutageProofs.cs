using System.Diagnostics;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// PostgreSQL restarts (or fails over) while messages flow: consumers pause with back-off for as long as
/// it lasts and go on where they were. Nothing good goes to the error queue, nothing is processed twice,
/// and one key's messages stay in order.
/// </summary>
public sealed class DatabaseOutageProofs(PollingPrivatePostgresFixture fixture) : IClassFixture<PollingPrivatePostgresFixture>
{
    [Fact]
    public async Task A_database_outage_of_15_seconds_pauses_the_consumer_and_every_message_is_processed_once_in_order()
    {
        const int total = 1_000;
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await using var rabbitMq = await RabbitMqProbe.ConnectAsync(fixture.RabbitMqUri);
        // A subscriber that takes a few milliseconds per message, so the outage hits the middle of the flow.
        await fixture.StopServiceAsync();
        using var service = await fixture.StartServiceAsync(fixture.Options, handlingTime: TimeSpan.FromMilliseconds(5));
        using var metrics = new MeterRecorder(service.Services.GetRequiredService<MessagingMetrics>().Meter);
        foreach (var transaction in Enumerable.Range(0, total).Select(i => new ProofEvent(key, i)).Chunk(100))
        {
            await fixture.CommitAsync(transaction);
        }
        await fixture.WaitUntilReceivedAsync(key, 100);

        await fixture.Server.StopAsync();
        var outage = Stopwatch.StartNew();
        var failedBefore = metrics.Total("ftgo.messages.failed");
        // The outage lasts 15 s (the scenario), and the consumer must have met it.
        await Wait.UntilAsync(_ => Task.FromResult(outage.Elapsed >= TimeSpan.FromSeconds(15) && metrics.Total("ftgo.messages.failed") > failedBefore),
            TimeSpan.FromSeconds(60), "15 s of outage, met by the consumer", CancellationToken.None);
        await fixture.Server.StartAsync();

        await fixture.WaitUntilReceivedAsync(key, total, TimeSpan.FromSeconds(120));
        var received = await fixture.ReceivedAsync(key);
        Assert.Equal(Enumerable.Range(0, total), received.Select(r => r.Sequence));
        Assert.Equal(total, received.Select(r => r.MessageId).Distinct().Count());
        Assert.True((await rabbitMq.MessageCountAsync(fixture.Queue + "_error") ?? 0) == 0, "A good message went to the error queue.");
        await service.StopAsync();
    }
}

/// <summary>
/// A replication slot invalidated by max_slot_wal_keep_size (the relay was away while other tables wrote
/// a lot of WAL) is recreated by the log-tailing relay, and the rows it missed still go: the table says
/// what is unsent.
/// </summary>
public sealed class SlotInvalidationProofs(LogTailingPrivatePostgresFixture fixture) : IClassFixture<LogTailingPrivatePostgresFixture>
{
    [Fact]
    public async Task An_invalidated_slot_is_recreated_and_the_rows_written_meanwhile_are_delivered()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await fixture.CommitAsync([new ProofEvent(key, 0)]);
        await fixture.WaitUntilReceivedAsync(key, 1);
        await fixture.StopServiceAsync(); // the relay is away; its slot stays behind

        await fixture.Database.ScalarAsync<int>("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
        await fixture.Database.ScalarAsync<bool>("SELECT pg_reload_conf()");
        await fixture.CommitAsync(Enumerable.Range(1, 10).Select(i => new ProofEvent(key, i)));
        await fixture.Database.ScalarAsync<int>("CREATE TABLE wal_filler (payload text)");
        await Wait.UntilAsync(async _ =>
            {
                await fixture.Database.ScalarAsync<int>("INSERT INTO wal_filler SELECT repeat('x', 1000) FROM generate_series(1, 20000)");
                await fixture.Database.ScalarAsync<string>("SELECT pg_switch_wal()::text");
                await fixture.Database.ScalarAsync<int>("CHECKPOINT");
                return await fixture.Database.ScalarAsync<string>(
                    $"SELECT wal_status FROM pg_replication_slots WHERE slot_name = '{fixture.ReplicationSlot}'") == "lost";
            },
            TimeSpan.FromSeconds(60), "the replication slot to be invalidated", CancellationToken.None);

        using var service = await fixture.StartServiceAsync(fixture.Options);
        await fixture.WaitUntilReceivedAsync(key, 11);

        Assert.Equal(Enumerable.Range(0, 11), (await fixture.ReceivedAsync(key)).Select(r => r.Sequence));
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains($"Replication slot {fixture.ReplicationSlot} was invalidated"));
        Assert.NotEqual("lost", await fixture.Database.ScalarAsync<string>(
            $"SELECT wal_status FROM pg_replication_slots WHERE slot_name = '{fixture.ReplicationSlot}'"));
        await service.StopAsync();
    }
}
