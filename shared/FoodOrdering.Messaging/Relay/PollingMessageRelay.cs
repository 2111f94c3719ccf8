using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// Message relay, polling publisher flavour (chapter 3, "publishing events using the polling publisher
/// pattern"). It reads unsent outbox rows in position order, publishes them, and marks each sent only
/// after the broker confirmed it. No transaction stays open while it waits for the broker (an outage or
/// a RabbitMQ memory alarm would otherwise hold row locks and stall VACUUM for the whole database): the
/// advisory lock already makes it the only writer of sent_at, so it reads, publishes, then records in
/// short statements. Waiting is cheap and fast: the outbox trigger NOTIFYs on commit, so the relay wakes
/// at once; the poll interval only covers a missed notification.
/// Being the service's relay, it drops the service's replication slot if one is left from a time the
/// service ran the log-tailing relay: an unused slot would keep WAL forever and block DROP DATABASE.
/// </summary>
public sealed class PollingMessageRelay(string connectionString, BrokerPublisher publisher, MessagingOptions options, MessagingMetrics metrics,
    ILogger<PollingMessageRelay> logger)
    : MessageRelay(connectionString, publisher, options, metrics, logger)
{
    protected override string Name => "Polling relay";

    protected override async Task RunWhileActiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await DropUnusedReplicationSlotsAsync(connection, cancellationToken);
        var notified = false;
        connection.Notification += (_, _) => notified = true;
        await using (var listen = new NpgsqlCommand("LISTEN outbox", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }
        while (true)
        {
            notified = false;
            await PublishUnsentRowsAsync(connection, cancellationToken);
            if (!notified)
            {
                await connection.WaitAsync(TimeUntilNextLook(), cancellationToken);
            }
        }
    }

    /// <summary>The poll interval, or less if a held channel is due before it.</summary>
    private TimeSpan TimeUntilNextLook()
    {
        var wait = Options.PollInterval;
        if (Holds.NextTry() is { } next && next - DateTimeOffset.UtcNow < wait)
        {
            wait = next - DateTimeOffset.UtcNow;
        }
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
    }

    private async Task DropUnusedReplicationSlotsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var slot in new[] { Options.ReplicationSlotFor(connection.Database), ReplicationSlots.LegacyName(Options) })
        {
            if (await ReplicationSlots.WalStatusAsync(connection, slot, cancellationToken) is null)
            {
                continue;
            }
            if (await ReplicationSlots.DropIfIdleAsync(connection, slot, cancellationToken))
            {
                Logger.LogInformation("Dropped replication slot {Slot}: {Service} runs the polling relay, and an unused slot keeps WAL forever",
                    slot, Options.ServiceName);
            }
            else
            {
                Logger.LogWarning("Replication slot {Slot} is in use by a log-tailing relay of {Service} that does not hold the relay lock (an older version?)",
                    slot, Options.ServiceName);
            }
        }
    }
}
