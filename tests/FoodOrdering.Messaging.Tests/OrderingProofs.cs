using System.Data.Common;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// Per-key order, whoever writes and however many consumers run. Writers: concurrent transactions on one
/// key are delivered in the order they committed, with both relays, because the outbox numbers a key's
/// rows under a per-key lock (messaging migration 2). Consumers: two instances of one subscriber still
/// handle a key's messages in order, because every queue has a single active consumer.
/// </summary>
public abstract class OrderingProofs(MessagingFixture fixture)
{
    [Fact]
    public async Task Concurrent_writers_on_one_key_are_delivered_in_commit_order()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        const int writers = 8, transactionsEach = 25;
        await fixture.Database.ScalarAsync<int>($"INSERT INTO key_counters VALUES ('{key}', 0)");

        // Each transaction writes its message first, then takes its turn on the aggregate's counter row:
        // the counter value is the order in which the transactions commit. A careless service does exactly
        // this (outbox row before the aggregate's lock); the outbox must still deliver in commit order.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < transactionsEach; i++)
            {
                var sequence = writer * 1_000 + i;
                await using var db = fixture.NewDbContext();
                await using var transaction = await db.Database.BeginTransactionAsync();
                new TransactionalOutbox(db).Publish(new ProofEvent(key, sequence), key);
                await db.SaveChangesAsync();
                await ExecuteAsync(db, $"SELECT pg_sleep(random() * 0.004)");
                await ExecuteAsync(db, $"""
                    WITH next AS (UPDATE key_counters SET value = value + 1 WHERE message_key = '{key}' RETURNING value)
                    INSERT INTO commit_order SELECT {sequence}, '{key}', value FROM next
                    """);
                await transaction.CommitAsync();
            }
        })));

        await fixture.WaitUntilReceivedAsync(key, writers * transactionsEach);
        var commitOrder = new Dictionary<int, int>();
        await using (var db = fixture.NewDbContext())
        {
            await foreach (var (sequence, counter) in db.Database.SqlQuery<CommitOrder>($"SELECT sequence AS \"Sequence\", counter AS \"Counter\" FROM commit_order WHERE message_key = {key}")
                .AsAsyncEnumerable().Select(c => (c.Sequence, c.Counter)))
            {
                commitOrder[sequence] = counter;
            }
        }
        var delivered = (await fixture.ReceivedAsync(key)).Select(r => commitOrder[r.Sequence]).ToList();
        Assert.Equal(Enumerable.Range(1, writers * transactionsEach), delivered);
    }

    private static async Task ExecuteAsync(DbContext db, string sql)
    {
        DbConnection connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        await command.ExecuteNonQueryAsync();
    }

    private sealed record CommitOrder(int Sequence, int Counter);
}

public sealed class PollingOrderingProofs(PollingRelayFixture fixture) : OrderingProofs(fixture), IClassFixture<PollingRelayFixture>;

public sealed class LogTailingOrderingProofs(LogTailingRelayFixture fixture) : OrderingProofs(fixture), IClassFixture<LogTailingRelayFixture>;

/// <summary>
/// Two instances of one subscribing service on one queue, one of them slow: without a single active
/// consumer they would share the queue and one key's messages would overtake each other.
/// </summary>
public sealed class CompetingInstancesProofs(PollingRelayFixture fixture) : IClassFixture<PollingRelayFixture>
{
    [Fact]
    public async Task Two_instances_of_a_subscriber_still_handle_each_keys_messages_in_order()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        const int keys = 4, perKey = 50;
        using var slow = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None }, instance: "slow",
            handlingTime: TimeSpan.FromMilliseconds(15));
        using var fast = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None }, instance: "fast");

        foreach (var transaction in Enumerable.Range(0, keys * perKey).Select(i => new ProofEvent($"{prefix}-{i % keys}", i / keys)).Chunk(20))
        {
            await fixture.CommitAsync(transaction);
        }

        await fixture.WaitUntilReceivedAsync(prefix, keys * perKey, TimeSpan.FromSeconds(60));
        foreach (var key in (await fixture.ReceivedAsync(prefix)).GroupBy(r => r.MessageKey))
        {
            Assert.Equal(Enumerable.Range(0, perKey), key.Select(r => r.Sequence));
        }
        await slow.StopAsync();
        await fast.StopAsync();
    }
}
