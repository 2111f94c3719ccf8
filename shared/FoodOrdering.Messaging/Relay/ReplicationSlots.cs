using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>The few replication-slot statements the relays need (pg_replication_slots, this database only).</summary>
public static class ReplicationSlots
{
    /// <summary>'reserved', 'extended', 'unreserved', 'lost' (WAL it needs was removed: unusable), or null if there is no such slot.</summary>
    public static async Task<string?> WalStatusAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "SELECT coalesce(wal_status, 'reserved') FROM pg_replication_slots WHERE slot_name = @slot AND database = current_database()", connection);
        select.Parameters.AddWithValue("slot", slot);
        return (string?)await select.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Drops the slot if it exists in this database and nobody streams from it; true if it is gone.</summary>
    public static async Task<bool> DropIfIdleAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var drop = new NpgsqlCommand("""
            SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots
            WHERE slot_name = @slot AND database = current_database() AND NOT active
            """, connection);
        drop.Parameters.AddWithValue("slot", slot);
        await drop.ExecuteScalarAsync(cancellationToken);
        return await WalStatusAsync(connection, slot, cancellationToken) is null;
    }

    /// <summary>The slot name of the first releases (the service name only), which clashed across databases.</summary>
    public static string LegacyName(MessagingOptions options) =>
        $"outbox_relay_{new string(options.ServiceName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())}";
}
