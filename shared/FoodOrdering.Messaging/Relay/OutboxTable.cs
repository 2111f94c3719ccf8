using FoodOrdering.Messaging.Outbox;
using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// The outbox SQL the relays, the cleanup and the monitor share. The table is the one source of truth
/// for what is unsent (<c>sent_at IS NULL AND failed_at IS NULL</c>): a relay that starts, reconnects or
/// retries asks it, never its own memory or the replication slot.
/// </summary>
public static class OutboxTable
{
    private const string Columns =
        "position, id, channel, message_type, schema_version, message_key, correlation_id, reply_channel, payload, headers::text, created_at";

    /// <summary>The oldest unsent rows, leaving out <paramref name="heldChannels"/> (see <see cref="ChannelHolds"/>).</summary>
    public static async Task<List<OutboxMessage>> ReadUnsentAsync(NpgsqlConnection connection, int limit, IReadOnlyCollection<string> heldChannels,
        CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"""
            SELECT {Columns} FROM outbox
            WHERE sent_at IS NULL AND failed_at IS NULL AND NOT (channel = ANY(@held))
            ORDER BY position LIMIT @limit
            """, connection);
        select.Parameters.AddWithValue("held", heldChannels.ToArray());
        select.Parameters.AddWithValue("limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxMessage
            {
                Position = reader.GetInt64(0),
                Id = reader.GetGuid(1),
                Channel = reader.GetString(2),
                MessageType = reader.GetString(3),
                SchemaVersion = reader.GetInt32(4),
                MessageKey = reader.GetString(5),
                CorrelationId = reader.GetGuid(6),
                ReplyChannel = reader.IsDBNull(7) ? null : reader.GetString(7),
                Payload = reader.GetString(8),
                Headers = reader.GetString(9),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
            });
        }
        return rows;
    }

    /// <summary>Which of <paramref name="positions"/> are no longer waiting (sent or failed).</summary>
    public static async Task<HashSet<long>> DoneAmongAsync(NpgsqlConnection connection, IEnumerable<long> positions, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "SELECT position FROM outbox WHERE position = ANY(@positions) AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)", connection);
        select.Parameters.AddWithValue("positions", positions.ToArray());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var done = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            done.Add(reader.GetInt64(0));
        }
        return done;
    }

    /// <summary>Records each row's confirm time as its sent_at.</summary>
    public static async Task MarkSentAsync(NpgsqlConnection connection, IReadOnlyCollection<(long Position, DateTimeOffset ConfirmedAt)> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var update = new NpgsqlCommand("""
            UPDATE outbox SET sent_at = confirmed.at
            FROM unnest(@positions, @times) AS confirmed(position, at)
            WHERE outbox.position = confirmed.position
            """, connection);
        update.Parameters.AddWithValue("positions", rows.Select(r => r.Position).ToArray());
        update.Parameters.AddWithValue("times", rows.Select(r => r.ConfirmedAt).ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves rows that can never be published aside, with the reason.</summary>
    public static async Task MarkFailedAsync(NpgsqlConnection connection, IReadOnlyCollection<(long Position, string Reason)> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var update = new NpgsqlCommand("""
            UPDATE outbox SET failed_at = now(), failure_reason = failed.reason
            FROM unnest(@positions, @reasons) AS failed(position, reason)
            WHERE outbox.position = failed.position
            """, connection);
        update.Parameters.AddWithValue("positions", rows.Select(r => r.Position).ToArray());
        update.Parameters.AddWithValue("reasons", rows.Select(r => r.Reason).ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes rows sent longer ago than <paramref name="retention"/>, in batches (a long backlog never
    /// becomes one huge transaction); returns how many.
    /// </summary>
    public static Task<int> DeleteSentAsync(NpgsqlConnection connection, TimeSpan retention, CancellationToken cancellationToken) =>
        DeleteInBatchesAsync(connection, "outbox", "sent_at", retention, cancellationToken);

    /// <summary>Deletes rows of <paramref name="table"/> whose <paramref name="timeColumn"/> is older than <paramref name="age"/>, 10,000 at a time.</summary>
    public static async Task<int> DeleteInBatchesAsync(NpgsqlConnection connection, string table, string timeColumn, TimeSpan age, CancellationToken cancellationToken)
    {
        const int batch = 10_000;
        await using var delete = new NpgsqlCommand($"""
            DELETE FROM {table} WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM {table} WHERE {timeColumn} < now() - @age LIMIT {batch}))
            """, connection);
        delete.Parameters.AddWithValue("age", age);
        int deleted, total = 0;
        do
        {
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == batch);
        return total;
    }

    public static async Task<OutboxStatistics> ReadStatisticsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("""
            SELECT
                (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
                (SELECT now() - created_at FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY position LIMIT 1),
                (SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL)
            """, connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxStatistics(reader.GetInt64(0), reader.IsDBNull(1) ? TimeSpan.Zero : reader.GetTimeSpan(1), reader.GetInt64(2), DateTimeOffset.UtcNow);
    }
}

/// <summary>What the outbox holds right now: rows waiting, how long the oldest has waited, rows that failed for good.</summary>
public sealed record OutboxStatistics(long Unsent, TimeSpan OldestUnsentAge, long Failed, DateTimeOffset ReadAt)
{
    public static readonly OutboxStatistics Unknown = new(0, TimeSpan.Zero, 0, DateTimeOffset.MinValue);
}
