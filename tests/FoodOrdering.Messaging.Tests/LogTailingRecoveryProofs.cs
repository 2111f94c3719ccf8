using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.ServiceDefaults.Migrations;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// The log-tailing relay against everything that can happen to its replication slot: created after rows
/// were written, the relay killed in the middle of that backlog, two databases of one service on one
/// server, the service switching relays back and forth, and the outbox table rebuilt by a later migration.
/// The outbox table, not the slot, says what is unsent.
/// </summary>
public sealed class LogTailingRecoveryProofs(SubscriberOnlyFixture fixture) : IClassFixture<SubscriberOnlyFixture>
{
    [Fact]
    public async Task Rows_written_before_the_slot_existed_are_all_delivered_once_although_the_relay_died_in_the_middle_of_them()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        var total = Math.Max(RelayProofs.ProofMessages, 4_000);
        await DropSlotsAsync(fixture.Database); // left by another proof of this class
        // Written while no relay ran: no slot exists yet, so the log will never stream these rows.
        foreach (var transaction in Enumerable.Range(0, total).Select(i => new ProofEvent($"{prefix}-{i % 20}", i / 20)).Chunk(100))
        {
            await fixture.CommitAsync(transaction);
        }
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));

        // Small batches, so the backlog takes long enough to be interrupted.
        ManagedProcess? relay = fixture.StartRelayProcess(RelayKind.LogTailing, "relay-1", "--Messaging:BatchSize=20");
        try
        {
            await Wait.UntilAsync(async _ => await fixture.SentCountAsync(prefix) >= total / 10, TimeSpan.FromSeconds(60), "the relay to be under way", CancellationToken.None);
            Posix.Signal(relay.Pid, Posix.SigKill);
            var sentWhenKilled = await fixture.SentCountAsync(prefix);
            await relay.DisposeAsync();
            relay = null;
            Assert.True(sentWhenKilled < total, $"The relay had sent the whole backlog ({sentWhenKilled}) before it was killed; the proof proved nothing.");
            Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));

            // The slot exists now: the next relay must still find the rest of the backlog in the table.
            relay = fixture.StartRelayProcess(RelayKind.LogTailing, "relay-2");
            await fixture.WaitUntilReceivedAsync($"{prefix}-", total, TimeSpan.FromSeconds(60 + total / 20)); // a liveness bound, generous for a loaded machine

            var received = await fixture.ReceivedAsync($"{prefix}-");
            Assert.Equal(total, received.Count);
            Assert.Equal(total, received.Select(r => r.MessageId).Distinct().Count());
            foreach (var key in received.GroupBy(r => r.MessageKey))
            {
                Assert.Equal(Enumerable.Range(0, key.Count()), key.Select(r => r.Sequence));
            }
        }
        finally
        {
            if (relay is not null)
            {
                await relay.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_databases_of_one_service_on_one_server_each_get_their_own_slot_and_both_relays_deliver()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        // A second environment of the same service (same service name) on the same PostgreSQL server.
        await using var secondDatabase = await TestDatabase.NewAsync("second-environment");
        await new SqlMigrationRunner(secondDatabase.ConnectionString, [MessagingExtensions.SchemaTrack, MigrationTrack.Service(typeof(ProofDbContext).Assembly)],
            NullLogger.Instance).ApplyAsync();
        var options = fixture.Options with { Relay = RelayKind.LogTailing };
        using var first = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "environment-1");
        using var second = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "environment-2", database: secondDatabase.ConnectionString);
        try
        {
            await fixture.CommitAsync([new ProofEvent(key, 0)]);
            await using (var db = new ProofDbContext(new DbContextOptionsBuilder<ProofDbContext>()
                .UseNpgsql(secondDatabase.ConnectionString).Options))
            {
                new TransactionalOutbox(db).Publish(new ProofEvent(key, 1), key);
                await db.SaveChangesAsync();
            }

            // Both land on the one subscriber (same channel prefix): each environment's relay delivered.
            await fixture.WaitUntilReceivedAsync(key, 2);
            Assert.Equal([0, 1], (await fixture.ReceivedAsync(key)).Select(r => r.Sequence).Order());
            Assert.Equal(2L, await fixture.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_replication_slots WHERE slot_name IN ('{options.ReplicationSlotFor(fixture.Database.Name)}', '{options.ReplicationSlotFor(secondDatabase.Name)}')"));
        }
        finally
        {
            await first.StopAsync();
            await second.StopAsync();
            await DropSlotsAsync(secondDatabase);
        }
    }

    [Fact]
    public async Task Switching_log_tailing_to_polling_and_back_loses_nothing_repeats_nothing_and_leaves_no_slot_while_polling()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        var sequence = 0;
        async Task RunAsync(RelayKind relay, int messages)
        {
            using var service = await fixture.StartServiceAsync(fixture.Options with { Relay = relay }, consumers: _ => { }, instance: relay.ToString());
            using var metrics = new MeterRecorder(service.Services.GetRequiredService<MessagingMetrics>().Meter);
            if (relay == RelayKind.Polling)
            {
                await Wait.UntilAsync(async _ => await SlotsAsync() == 0, TimeSpan.FromSeconds(10),
                    "the polling relay to drop the service's replication slot", CancellationToken.None);
            }
            for (var i = 0; i < messages; i++)
            {
                await fixture.CommitAsync([new ProofEvent(key, sequence++)]);
            }
            await fixture.WaitUntilReceivedAsync(key, sequence);
            await service.StopAsync();
        }

        await RunAsync(RelayKind.LogTailing, 20);
        Assert.Equal(1L, await SlotsAsync());
        await RunAsync(RelayKind.Polling, 20);
        Assert.Equal(0L, await SlotsAsync());
        // Back to log tailing: a fresh slot, so the 20 rows the polling relay sent are not streamed again.
        using var subscriberMetrics = new MeterRecorder(fixture.SubscriberMetrics.Meter);
        await RunAsync(RelayKind.LogTailing, 20);

        var received = await fixture.ReceivedAsync(key);
        Assert.Equal(Enumerable.Range(0, 60), received.Select(r => r.Sequence));
        Assert.Equal(0, subscriberMetrics.Total("ftgo.messages.duplicates"));
    }

    [Fact]
    public async Task Rows_sent_from_the_table_are_not_sent_again_when_the_log_brings_them_mixed_with_new_ones()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        var options = fixture.Options with { Relay = RelayKind.LogTailing };
        using (var first = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "before"))
        {
            await fixture.CommitAsync([new ProofEvent($"{prefix}-warmup", 0)]);
            await fixture.WaitUntilReceivedAsync($"{prefix}-warmup", 1);
            await first.StopAsync();
        }
        // Rows a relay sent from the table and then died before its log stream reached them: sent, but
        // still ahead in the slot. (Marked sent here without publishing, so any delivery is a resend.)
        await fixture.CommitAsync(Enumerable.Range(0, 100).Select(i => new ProofEvent($"{prefix}-sent", i)));
        await fixture.Database.ScalarAsync<int>($"UPDATE outbox SET sent_at = now() WHERE message_key LIKE '{prefix}-sent'");

        // New rows keep coming while the next relay starts, so its first stream batch holds the sent rows
        // together with rows committed before and after its table pass.
        using var writing = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                await fixture.CommitAsync([new ProofEvent($"{prefix}-new", written)]);
                written++;
            }
        });
        using var relay = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "after");
        await Wait.UntilAsync(async _ => (await fixture.ReceivedAsync($"{prefix}-new")).Count > 200, TimeSpan.FromSeconds(60),
            "the relay to stream new rows", CancellationToken.None);
        await writing.CancelAsync();
        await writer;

        await fixture.WaitUntilReceivedAsync($"{prefix}-new", written, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, written), (await fixture.ReceivedAsync($"{prefix}-new")).Select(r => r.Sequence));
        Assert.Empty(await fixture.ReceivedAsync($"{prefix}-sent"));
        await relay.StopAsync();
    }

    [Fact]
    public async Task A_row_is_read_by_column_name_so_a_migration_that_rebuilt_a_column_changes_nothing()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await using var database = await TestDatabase.NewAsync("rebuilt-outbox");
        await new SqlMigrationRunner(database.ConnectionString, [MessagingExtensions.SchemaTrack, MigrationTrack.Service(typeof(ProofDbContext).Assembly)],
            NullLogger.Instance).ApplyAsync();
        // A later migration replaced reply_channel: it is now the table's last column.
        await database.ScalarAsync<int>("ALTER TABLE outbox DROP COLUMN reply_channel; ALTER TABLE outbox ADD COLUMN reply_channel text");
        using var service = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.LogTailing }, consumers: _ => { },
            instance: "rebuilt", database: database.ConnectionString);
        try
        {
            // Written while the relay is streaming, so the log (not the table pass) delivers it.
            await Wait.UntilAsync(async _ => await database.ScalarAsync<bool>("SELECT count(*) = 1 FROM pg_replication_slots WHERE database = current_database() AND active"),
                TimeSpan.FromSeconds(20), "the relay to stream", CancellationToken.None);
            await using (var db = new ProofDbContext(new DbContextOptionsBuilder<ProofDbContext>().UseNpgsql(database.ConnectionString).Options))
            {
                new TransactionalOutbox(db).Publish(new ProofEvent(key, 0), key);
                await db.SaveChangesAsync();
            }

            await fixture.WaitUntilReceivedAsync(key, 1);
            Assert.Equal(0, (await fixture.ReceivedAsync(key)).Single().Sequence);
        }
        finally
        {
            await service.StopAsync();
            await DropSlotsAsync(database);
        }
    }

    private Task<long> SlotsAsync() =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()");

    // A database with a replication slot cannot be dropped; a slot frees once its relay disconnected.
    private static Task DropSlotsAsync(TestDatabase database) =>
        Wait.UntilAsync(async _ =>
            {
                await database.ScalarAsync<long>(
                    "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE database = current_database() AND NOT active");
                return await database.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()") == 0;
            },
            TimeSpan.FromSeconds(30), $"the replication slots of {database.Name} to be dropped", CancellationToken.None);
}
