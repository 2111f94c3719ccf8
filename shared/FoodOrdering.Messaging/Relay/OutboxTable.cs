using FoodOrdering.Messaging.Outbox;
using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>The outbox SQL both relays share: reading unsent rows, marking rows sent, deleting old sent rows.</summary>
public static class OutboxTable
{
    /// <summary>The oldest unsent rows; with <paramref name="lockRows"/> they stay locked until the caller's transaction ends.</summary>
    public static async Task<List<OutboxMessage>> ReadUnsentAsync(NpgsqlConnection connection, int limit, bool lockRows, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"""
            SELECT position, id, channel, message_type, schema_version, message_key, correlation_id, reply_channel, payload, created_at
            FROM outbox WHERE sent_at IS NULL ORDER BY position LIMIT @limit
            {(lockRows ? "FOR UPDATE SKIP LOCKED" : "")}
            """, connection);
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
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(9),
            });
        }
        return rows;
    }

    public static async Task MarkSentAsync(NpgsqlConnection connection, IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("UPDATE outbox SET sent_at = now() WHERE position = ANY(@positions)", connection);
        update.Parameters.AddWithValue("positions", messages.Select(m => m.Position).ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes rows sent longer ago than <paramref name="retention"/>; returns how many.</summary>
    public static async Task<int> DeleteSentAsync(NpgsqlConnection connection, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM outbox WHERE sent_at < now() - @retention", connection);
        delete.Parameters.AddWithValue("retention", retention);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
