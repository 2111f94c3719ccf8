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
/// in commit order, from this service's replication slot (one per service and database). The relay
/// publishes each transaction's rows, marks them sent, and acknowledges the transaction's end LSN.
/// The outbox table, not the slot, says what is unsent: on every start and reconnect the relay first
/// publishes every unsent row of the table, then streams; streamed rows already sent are skipped; rows
/// it could not publish (a held channel) stay unsent and are published from the table when due. So a
/// relay that dies in the middle of a backlog, a slot created late, dropped or invalidated, loses nothing.
/// </summary>
public sealed class LogTailingMessageRelay(string connectionString, BrokerPublisher publisher, MessagingOptions options, MessagingMetrics metrics,
    ILogger<LogTailingMessageRelay> logger)
    : MessageRelay(connectionString, publisher, options, metrics, logger)
{
    /// <summary>Created by the messaging track's first migration.</summary>
    public const string Publication = "outbox_publication";

    // Telling the server our position costs decoding throughput: at most once a second while busy.
    private static readonly TimeSpan StatusUpdateInterval = TimeSpan.FromSeconds(1);

    // True from a transaction's Begin until the reader handed it to the publisher (see AcknowledgeIdlePositionAsync).
    private volatile bool readingTransaction;

    protected override string Name => "Log-tailing relay";

    // The previous relay's replication connection can outlive its advisory lock by a moment.
    protected override bool IsInUseElsewhere(Exception failure) => failure is PostgresException { SqlState: PostgresErrorCodes.ObjectInUse };

    protected override async Task RunWhileActiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var slot = Options.ReplicationSlotFor(connection.Database);
        await ReplicationSlots.DropIfIdleAsync(connection, ReplicationSlots.LegacyName(Options), cancellationToken);
        await using var replication = new LogicalReplicationConnection(ConnectionString);
        await replication.Open(cancellationToken);
        await EnsureUsableSlotAsync(connection, replication, slot, cancellationToken);

        // The table first: whatever is unsent (written before the slot existed, left by a relay that died,
        // held back) goes now. What the stream then brings up to this position may already be sent.
        await PublishUnsentRowsAsync(connection, cancellationToken);
        var catchUpUntil = await CurrentWalPositionAsync(connection, cancellationToken);

        // Reading the log and publishing overlap: the reader hands committed transactions to the publisher.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var committed = Channel.CreateBounded<CommittedTransaction>(new BoundedChannelOptions(1_000) { SingleReader = true, SingleWriter = true });
        var reading = ReadCommittedTransactionsAsync(replication, slot, committed.Writer, stop.Token);
        var publishing = PublishCommittedTransactionsAsync(replication, connection, committed.Reader, catchUpUntil, stop.Token);
        var first = await Task.WhenAny(reading, publishing);
        await stop.CancelAsync();
        await Task.WhenAll(reading, publishing).ContinueWith(_ => { }, CancellationToken.None); // observe both
        await first; // rethrows the failure that ended the tail, if any
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Creates the slot if it is missing, and recreates it if it was invalidated (max_slot_wal_keep_size
    /// removed WAL it needed): a fresh slot streams what commits from now on, and the table pass that
    /// follows publishes everything older.
    /// </summary>
    private async Task EnsureUsableSlotAsync(NpgsqlConnection connection, LogicalReplicationConnection replication, string slot,
        CancellationToken cancellationToken)
    {
        var status = await ReplicationSlots.WalStatusAsync(connection, slot, cancellationToken);
        if (status == "lost")
        {
            Logger.LogWarning("Replication slot {Slot} was invalidated (it fell behind max_slot_wal_keep_size); recreating it. " +
                "The outbox table still says what is unsent, so nothing is lost", slot);
            await ReplicationSlots.DropIfIdleAsync(connection, slot, cancellationToken);
            status = null;
        }
        if (status is null)
        {
            try
            {
                await replication.CreatePgOutputReplicationSlot(slot, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport,
                    cancellationToken: cancellationToken);
                Logger.LogInformation("Created replication slot {Slot}", slot);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Created a moment ago by a relay of another version: use it.
            }
        }
    }

    private static async Task<NpgsqlLogSequenceNumber> CurrentWalPositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("SELECT pg_current_wal_lsn()", connection);
        return (NpgsqlLogSequenceNumber)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task ReadCommittedTransactionsAsync(LogicalReplicationConnection replication, string slot, ChannelWriter<CommittedTransaction> committed,
        CancellationToken cancellationToken)
    {
        // Protocol V1 (never streams uncommitted transactions); binary values so numbers arrive as numbers.
        var pgOutput = new PgOutputReplicationOptions(Publication, PgOutputProtocolVersion.V1, binary: true);
        var rows = new List<OutboxMessage>();
        readingTransaction = false;
        await foreach (var message in replication.StartReplication(new PgOutputReplicationSlot(slot), pgOutput, cancellationToken))
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

    private async Task PublishCommittedTransactionsAsync(LogicalReplicationConnection replication, NpgsqlConnection connection,
        ChannelReader<CommittedTransaction> committed, NpgsqlLogSequenceNumber catchUpUntil, CancellationToken cancellationToken)
    {
        var nextStatusUpdate = DateTime.UtcNow;
        var acknowledged = default(NpgsqlLogSequenceNumber);
        try
        {
            while (true)
            {
                if (Holds.AnyDue())
                {
                    // A held channel's back-off ran out: its waiting rows go from the table, in order. The
                    // stream may bring some of what that pass sends: check up to the position it ended at.
                    await PublishUnsentRowsAsync(connection, cancellationToken);
                    catchUpUntil = await CurrentWalPositionAsync(connection, cancellationToken);
                }
                if (!await WaitForTransactionsAsync(committed, TimeUntilNextLook(), cancellationToken))
                {
                    acknowledged = await AcknowledgeIdlePositionAsync(replication, committed, acknowledged, cancellationToken);
                    continue;
                }
                // Several small transactions make one batch: fewer round trips, the same order.
                var batch = new List<CommittedTransaction>();
                while (batch.Sum(t => t.Rows.Count) < Options.BatchSize && committed.TryRead(out var transaction))
                {
                    batch.Add(transaction);
                }
                var lastEnd = batch[^1].EndLsn;

                await PublishAndRecordAsync(connection, await StillToPublishAsync(connection, batch, catchUpUntil, cancellationToken), cancellationToken);
                // Rows left unsent (a held channel) are the table's to remember: the slot may move on.
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
                Logger.LogDebug(e, "Could not report the last replication position; the next relay replays from the previous one");
            }
        }
    }

    /// <summary>
    /// The streamed rows to publish now: not those of held channels (they wait in the table, behind their
    /// channel's older rows), and, of each transaction that ended before the last table pass, not those that
    /// pass (or an earlier relay) already sent. Per transaction: one batch can hold both kinds.
    /// </summary>
    private async Task<List<OutboxMessage>> StillToPublishAsync(NpgsqlConnection connection, List<CommittedTransaction> batch,
        NpgsqlLogSequenceNumber catchUpUntil, CancellationToken cancellationToken)
    {
        var held = Holds.All();
        var rows = batch.SelectMany(t => t.Rows).Where(r => !held.Contains(r.Channel)).ToList();
        var maybeSent = batch.Where(t => t.EndLsn <= catchUpUntil).SelectMany(t => t.Rows).Select(r => r.Position).ToList();
        if (maybeSent.Count > 0 && rows.Count > 0)
        {
            var done = await OutboxTable.DoneAmongAsync(connection, maybeSent, cancellationToken);
            rows = rows.Where(r => !done.Contains(r.Position)).ToList();
        }
        return rows;
    }

    /// <summary>A second, or less if a held channel is due before.</summary>
    private TimeSpan TimeUntilNextLook()
    {
        var wait = StatusUpdateInterval;
        if (Holds.NextTry() is { } next && next - DateTimeOffset.UtcNow < wait)
        {
            wait = next - DateTimeOffset.UtcNow;
        }
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
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
    /// nothing is in flight: every outbox transaction that committed before that position was handled.
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

    /// <summary>Reads an inserted row by column name (the relation message that precedes it names the columns).</summary>
    private static async Task<OutboxMessage> ReadOutboxRowAsync(InsertMessage insert, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object?>();
        var column = 0;
        await foreach (var value in insert.NewRow)
        {
            values[insert.Relation.Columns[column++].ColumnName] = value.IsDBNull ? null : await value.Get(cancellationToken);
        }
        return new OutboxMessage
        {
            Position = (long)values["position"]!,
            Id = (Guid)values["id"]!,
            Channel = (string)values["channel"]!,
            MessageType = (string)values["message_type"]!,
            SchemaVersion = (int)values["schema_version"]!,
            MessageKey = (string)values["message_key"]!,
            CorrelationId = (Guid)values["correlation_id"]!,
            ReplyChannel = (string?)values["reply_channel"],
            Payload = (string)values["payload"]!,
            Headers = (string)values["headers"]!,
            CreatedAt = (DateTimeOffset)(values["created_at"] is DateTime utc ? new DateTimeOffset(utc, TimeSpan.Zero) : values["created_at"]!),
        };
    }

    private sealed record CommittedTransaction(List<OutboxMessage> Rows, NpgsqlLogSequenceNumber EndLsn);
}
