using FoodOrdering.Messaging.Relay;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging;

/// <summary>
/// Keeps the two messaging tables from growing forever: once at start and then every minute it deletes
/// outbox rows sent longer ago than <see cref="MessagingOptions.Retention"/> and processed_messages rows
/// older than <see cref="MessagingOptions.DuplicateDetectionWindow"/> (MassTransit's InboxCleanupService),
/// 10,000 rows per statement, each found through an index on its time column.
/// It runs in every instance, relay or not: the deletes are idempotent, so instances never conflict.
/// </summary>
public sealed class MessagingCleanupService(string connectionString, MessagingOptions options, ILogger<MessagingCleanupService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await CleanUpAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A database outage only postpones the cleanup to the next round.
                logger.LogWarning("Messaging cleanup failed ({Reason}); retrying in {Interval}", e.Message, Interval);
            }
        }
        while (await OutboxMonitor.WaitForNextRoundAsync(timer, stoppingToken));
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var sent = await OutboxTable.DeleteSentAsync(connection, options.Retention, cancellationToken);
        var processed = await DeleteProcessedAsync(connection, options.DuplicateDetectionWindow, cancellationToken);
        if (sent + processed > 0)
        {
            logger.LogInformation("Messaging cleanup deleted {Sent} sent outbox rows and {Processed} processed_messages rows", sent, processed);
        }
    }

    /// <summary>
    /// Deletes inbox rows older than <paramref name="window"/>. A message redelivered after that is no
    /// longer recognised as a duplicate: the window must be longer than any redelivery can be late.
    /// </summary>
    public static Task<int> DeleteProcessedAsync(NpgsqlConnection connection, TimeSpan window, CancellationToken cancellationToken) =>
        OutboxTable.DeleteInBatchesAsync(connection, "processed_messages", "processed_at", window, cancellationToken);
}
