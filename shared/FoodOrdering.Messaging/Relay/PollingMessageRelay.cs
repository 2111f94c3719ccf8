using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// Message relay, polling publisher flavour (chapter 3, "publishing events using the polling publisher
/// pattern"). It reads unsent outbox rows in batches (<c>FOR UPDATE SKIP LOCKED</c>), publishes them,
/// and marks them sent only after the broker confirmed them. Waiting is cheap and fast: the outbox
/// trigger NOTIFYs on commit, so the relay wakes at once; the poll interval only covers a missed
/// notification. One relay per service is active: it holds a session advisory lock; any other
/// instance waits on standby and takes over when the lock is released (its connection closes; the relay's
/// connection is never pooled, so stopping the relay closes it).
/// If the broker is down, publishing fails, the transaction rolls back, and the rows wait.
/// </summary>
public sealed class PollingMessageRelay(string connectionString, BrokerPublisher publisher, MessagingOptions options, ILogger<PollingMessageRelay> logger)
    : IMessageRelay
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunWhileConnectedAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Polling relay failed; retrying in {Backoff}", options.ErrorBackoff);
                await Task.Delay(options.ErrorBackoff, cancellationToken);
            }
        }
    }

    private async Task RunWhileConnectedAsync(CancellationToken cancellationToken)
    {
        // Not pooled: the advisory lock (and LISTEN) belong to the session. A pooled connection would go
        // back to the pool still holding the lock when this relay stops, and the next relay of this
        // process would stand by for a poll interval (seen as a backlog and a ~250 ms p99 in the benchmark).
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync(cancellationToken);
        await BecomeTheActiveRelayAsync(connection, cancellationToken);

        var notified = false;
        connection.Notification += (_, _) => notified = true;
        await ExecuteAsync(connection, "LISTEN outbox", cancellationToken);
        while (true)
        {
            notified = false;
            var published = await PublishBatchAsync(connection, cancellationToken);
            if (published < options.BatchSize && !notified)
            {
                await connection.WaitAsync(options.PollInterval, cancellationToken);
            }
        }
    }

    private async Task BecomeTheActiveRelayAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var lockKey = AdvisoryLockKey();
        var loggedStandby = false;
        while (true)
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            tryLock.Parameters.AddWithValue("key", lockKey);
            if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                logger.LogInformation("Polling relay of {Service} is active", options.ServiceName);
                return;
            }
            if (!loggedStandby)
            {
                logger.LogInformation("Another polling relay of {Service} is active; standing by", options.ServiceName);
                loggedStandby = true;
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>One transaction: lock a batch, publish it with confirms, mark it sent.</summary>
    private async Task<int> PublishBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = await OutboxTable.ReadUnsentAsync(connection, options.BatchSize, lockRows: true, cancellationToken);
        if (batch.Count > 0)
        {
            await publisher.PublishInKeyOrderAsync(batch, cancellationToken);
            await OutboxTable.MarkSentAsync(connection, batch, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    // A stable number per service: PostgreSQL advisory locks are keyed by a bigint.
    private long AdvisoryLockKey() =>
        options.ServiceName.Aggregate(unchecked((long)0xcbf29ce484222325), (hash, c) => unchecked((hash ^ c) * 0x100000001b3));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
