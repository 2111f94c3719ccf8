using System.Threading.Channels;
using FoodOrdering.Messaging.Outbox;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// Message relay, transaction log tailing flavour (chapter 3, "publishing events using transaction log
/// tailing"). PostgreSQL logical replication (pgoutput) streams every committed insert into the outbox,
/// in commit order, from this service's replication slot. The relay publishes each transaction's rows,
/// marks them sent, and only then acknowledges the transaction's end LSN to the slot, so a crash replays
/// (never loses) unacknowledged transactions; the consumers' inbox absorbs the replays.
/// One active relay per service: a replication slot streams to one connection at a time.
/// </summary>
public sealed class LogTailingMessageRelay(string connectionString, BrokerPublisher publisher, MessagingOptions options, ILogger<LogTailingMessageRelay> logger)
    : IMessageRelay
{
    /// <summary>Created by Schema/messaging.sql.</summary>
    public const string Publication = "outbox_publication";

    // Telling the server our position costs decoding throughput: at most once a second while busy.
    private static readonly TimeSpan StatusUpdateInterval = TimeSpan.FromSeconds(1);

    // True from a transaction's Begin until the reader handed it to the publisher (see AcknowledgeIdlePositionAsync).
    private volatile bool readingTransaction;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await TailAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && !cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation("Replication slot {Slot} is used by another relay; standing by", options.ReplicationSlot);
                await Task.Delay(options.PollInterval, cancellationToken);
            }
            // Npgsql can surface a lost replication stream as almost any exception: reconnect on all of them.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Log-tailing relay failed; retrying in {Backoff}", options.ErrorBackoff);
                await Task.Delay(options.ErrorBackoff, cancellationToken);
            }
        }
    }

    private async Task TailAsync(CancellationToken cancellationToken)
    {
        await using var database = new NpgsqlConnection(connectionString);
        await database.OpenAsync(cancellationToken);
        await using var replication = new LogicalReplicationConnection(connectionString);
        await replication.Open(cancellationToken);
        if (await CreateSlotIfMissingAsync(replication, cancellationToken))
        {
            // The new slot streams only what commits from now on: publish what was already waiting.
            await PublishUnsentRowsAsync(database, cancellationToken);
        }

        // Reading the log and publishing overlap: the reader hands committed transactions to the publisher.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var committed = Channel.CreateBounded<CommittedTransaction>(new BoundedChannelOptions(1_000) { SingleReader = true, SingleWriter = true });
        var reading = ReadCommittedTransactionsAsync(replication, committed.Writer, stop.Token);
        var publishing = PublishCommittedTransactionsAsync(replication, database, committed.Reader, stop.Token);
        var first = await Task.WhenAny(reading, publishing);
        await stop.CancelAsync();
        await Task.WhenAll(reading, publishing).ContinueWith(_ => { }, CancellationToken.None); // observe both
        await first; // rethrows the failure that ended the tail, if any
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<bool> CreateSlotIfMissingAsync(LogicalReplicationConnection replication, CancellationToken cancellationToken)
    {
        try
        {
            await replication.CreatePgOutputReplicationSlot(options.ReplicationSlot, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport,
                cancellationToken: cancellationToken);
            logger.LogInformation("Created replication slot {Slot}", options.ReplicationSlot);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            return false;
        }
    }

    private async Task PublishUnsentRowsAsync(NpgsqlConnection database, CancellationToken cancellationToken)
    {
        List<OutboxMessage> rows;
        while ((rows = await OutboxTable.ReadUnsentAsync(database, options.BatchSize, lockRows: false, cancellationToken)).Count > 0)
        {
            await publisher.PublishInKeyOrderAsync(rows, cancellationToken);
            await OutboxTable.MarkSentAsync(database, rows, cancellationToken);
        }
    }

    private async Task ReadCommittedTransactionsAsync(LogicalReplicationConnection replication, ChannelWriter<CommittedTransaction> committed,
        CancellationToken cancellationToken)
    {
        var slot = new PgOutputReplicationSlot(options.ReplicationSlot);
        // Protocol V1 (never streams uncommitted transactions); binary values so numbers arrive as numbers.
        var pgOutput = new PgOutputReplicationOptions(Publication, PgOutputProtocolVersion.V1, binary: true);
        var rows = new List<OutboxMessage>();
        readingTransaction = false;
        await foreach (var message in replication.StartReplication(slot, pgOutput, cancellationToken))
        {
            switch (message)
            {
                case BeginMessage:
                    readingTransaction = true;
                    rows = [];
                    break;
                case InsertMessage insert:
                    rows.Add(await ReadOutboxRowAsync(insert, cancellationToken));
                    break;
                case CommitMessage commit:
                    await committed.WriteAsync(new CommittedTransaction(rows, commit.TransactionEndLsn), cancellationToken);
                    readingTransaction = false; // only now: until the write, the channel looked empty
                    break;
            }
        }
    }

    private async Task PublishCommittedTransactionsAsync(LogicalReplicationConnection replication, NpgsqlConnection database,
        ChannelReader<CommittedTransaction> committed, CancellationToken cancellationToken)
    {
        var nextStatusUpdate = DateTime.UtcNow;
        var acknowledged = default(NpgsqlLogSequenceNumber);
        try
        {
            while (true)
            {
                if (!await WaitForTransactionsAsync(committed, StatusUpdateInterval, cancellationToken))
                {
                    acknowledged = await AcknowledgeIdlePositionAsync(replication, committed, acknowledged, cancellationToken);
                    continue;
                }
                // Several small transactions make one batch: fewer round trips, the same order.
                var batch = new List<OutboxMessage>();
                var lastEnd = default(NpgsqlLogSequenceNumber);
                while (batch.Count < options.BatchSize && committed.TryRead(out var transaction))
                {
                    batch.AddRange(transaction.Rows);
                    lastEnd = transaction.EndLsn;
                }

                await publisher.PublishInKeyOrderAsync(batch, cancellationToken);
                await OutboxTable.MarkSentAsync(database, batch, cancellationToken);
                replication.SetReplicationStatus(lastEnd);
                acknowledged = lastEnd;
                if (DateTime.UtcNow >= nextStatusUpdate || committed.Count == 0)
                {
                    await replication.SendStatusUpdate(cancellationToken);
                    nextStatusUpdate = DateTime.UtcNow + StatusUpdateInterval;
                }
            }
        }
        finally
        {
            // Closing the connection does not report the last position: report it, or a clean stop replays.
            try
            {
                await replication.SendStatusUpdate(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Could not report the last replication position; the next relay replays from the previous one");
            }
        }
    }

    /// <summary>Waits until committed transactions are ready; false if none came within <paramref name="timeout"/>.</summary>
    private static async Task<bool> WaitForTransactionsAsync(ChannelReader<CommittedTransaction> committed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            // The reader never completes the channel, so this returns true or throws.
            return await committed.WaitToReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// While the outbox is idle, acknowledges the position the server last reported (its keepalives carry
    /// how far it has decoded the log, including other tables' changes). Acknowledging only commit LSNs
    /// would make an idle outbox next to busy tables hold all their WAL on the server. Safe only when
    /// nothing is in flight: every outbox transaction that committed before that position was published.
    /// </summary>
    private async Task<NpgsqlLogSequenceNumber> AcknowledgeIdlePositionAsync(LogicalReplicationConnection replication,
        ChannelReader<CommittedTransaction> committed, NpgsqlLogSequenceNumber acknowledged, CancellationToken cancellationToken)
    {
        // The position first, the checks second. A transaction whose Commit arrived before this read was
        // then either published (this loop is the publisher, now idle) or is still seen below, in the reader
        // or in the channel. One that commits later ends after this position, so the slot still sends it.
        var position = replication.LastReceivedLsn;
        if (readingTransaction || committed.Count > 0 || position <= acknowledged)
        {
            return acknowledged;
        }
        replication.SetReplicationStatus(position);
        await replication.SendStatusUpdate(cancellationToken);
        return position;
    }

    /// <summary>Reads an inserted row, column by column in table order (Schema/messaging.sql).</summary>
    private static async Task<OutboxMessage> ReadOutboxRowAsync(InsertMessage insert, CancellationToken cancellationToken)
    {
        var values = new List<object?>();
        await foreach (var value in insert.NewRow)
        {
            values.Add(value.IsDBNull ? null : await value.Get(cancellationToken));
        }
        return new OutboxMessage
        {
            Position = (long)values[0]!,
            Id = (Guid)values[1]!,
            Channel = (string)values[2]!,
            MessageType = (string)values[3]!,
            SchemaVersion = (int)values[4]!,
            MessageKey = (string)values[5]!,
            CorrelationId = (Guid)values[6]!,
            ReplyChannel = (string?)values[7],
            Payload = (string)values[8]!,
        };
    }

    private sealed record CommittedTransaction(List<OutboxMessage> Rows, NpgsqlLogSequenceNumber EndLsn);
}
