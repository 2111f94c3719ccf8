using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// What both message relays must prove against real PostgreSQL and RabbitMQ: the outbox is atomic with
/// the business transaction, and every committed message arrives once per key, in order.
/// FTGO_PROOF_MESSAGES sets the size of the bulk proofs (default 10,000; smaller for a quick local run).
/// </summary>
public abstract class RelayProofs(MessagingFixture fixture)
{
    public static readonly int ProofMessages = int.TryParse(Environment.GetEnvironmentVariable("FTGO_PROOF_MESSAGES"), out var n) ? n : 10_000;

    [Fact]
    public async Task A_committed_transaction_delivers_exactly_the_messages_it_wrote()
    {
        var key = NewKey();

        var ids = await fixture.CommitAsync([new ProofEvent(key, 0), new ProofEvent(key, 1), new ProofEvent(key, 2)]);

        await fixture.WaitUntilReceivedAsync(key, 3);
        var received = await fixture.ReceivedAsync(key);
        Assert.Equal(ids, received.Select(r => r.MessageId));
        Assert.Equal([0, 1, 2], received.Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_no_outbox_row_and_sends_nothing()
    {
        var key = NewKey();
        await using (var db = fixture.NewDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            new TransactionalOutbox(db).Publish(new ProofEvent(key, 0), key);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        // A later commit on the same key is delivered; the rolled-back message never is.
        await fixture.CommitAsync([new ProofEvent(key, 1)]);
        await fixture.WaitUntilReceivedAsync(key, 1);

        Assert.Equal([1], (await fixture.ReceivedAsync(key)).Select(r => r.Sequence));
        await using var check = fixture.NewDbContext();
        Assert.Equal(1, await check.Set<OutboxMessage>().CountAsync(m => m.MessageKey == key));
    }

    [Fact]
    public async Task Many_messages_arrive_once_each_and_in_order_per_key()
    {
        var prefix = NewKey();
        const int keys = 20;
        var messages = Enumerable.Range(0, ProofMessages).Select(i => new ProofEvent($"{prefix}-{i % keys}", i / keys)).ToList();

        foreach (var transaction in messages.Chunk(100))
        {
            await fixture.CommitAsync(transaction);
        }

        await fixture.WaitUntilReceivedAsync(prefix, ProofMessages, TimeSpan.FromSeconds(60 + ProofMessages / 25)); // a liveness bound: ~30 s when alone, over 160 s once beside the other assemblies
        var received = await fixture.ReceivedAsync(prefix);
        Assert.Equal(ProofMessages, received.Count);
        Assert.Equal(ProofMessages, received.Select(r => r.MessageId).Distinct().Count());
        foreach (var key in received.GroupBy(r => r.MessageKey))
        {
            Assert.Equal(Enumerable.Range(0, key.Count()), key.Select(r => r.Sequence));
        }
    }

    private static string NewKey() => $"k{Guid.NewGuid().ToString("N")[..8]}";
}

public sealed class PollingRelayProofs(PollingRelayFixture fixture) : RelayProofs(fixture), IClassFixture<PollingRelayFixture>;

public sealed class LogTailingRelayProofs(LogTailingRelayFixture fixture) : RelayProofs(fixture), IClassFixture<LogTailingRelayFixture>
{
    [Fact]
    public async Task An_idle_outbox_next_to_busy_tables_does_not_hold_their_WAL_and_skips_no_message()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await fixture.CommitAsync([new ProofEvent(key, 0)]);
        await fixture.WaitUntilReceivedAsync(key, 1);

        // Other tables are busy, the outbox is idle: the slot's confirmed position must still move past their WAL.
        await fixture.Database.ScalarAsync<int>("CREATE TABLE busy_table (id bigint GENERATED ALWAYS AS IDENTITY, payload text)");
        for (var transaction = 0; transaction < 5; transaction++)
        {
            await fixture.Database.ScalarAsync<int>("INSERT INTO busy_table (payload) SELECT repeat('x', 200) FROM generate_series(1, 2000)");
        }
        var busyEnd = await fixture.Database.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text");
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<bool>(
                $"SELECT confirmed_flush_lsn >= '{busyEnd}'::pg_lsn FROM pg_replication_slots WHERE slot_name = '{fixture.ReplicationSlot}'"),
            TimeSpan.FromSeconds(30), $"the replication slot to confirm the other tables' WAL up to {busyEnd}", CancellationToken.None);

        // Acknowledging that position skipped nothing: the next outbox message still arrives.
        await fixture.CommitAsync([new ProofEvent(key, 1)]);
        await fixture.WaitUntilReceivedAsync(key, 2);
        Assert.Equal([0, 1], (await fixture.ReceivedAsync(key)).Select(r => r.Sequence));
    }
}
