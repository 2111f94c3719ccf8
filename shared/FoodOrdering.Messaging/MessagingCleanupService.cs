using FoodOrdering.Messaging.Relay;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging;

/// <summary>
/// Keeps the two messaging tables from growing forever: once at start and then every minute it deletes
/// outbox rows sent longer ago than <see cref="MessagingOptions.Retention"/> and processed_messages rows
/// older than <see cref="MessagingOptions.DuplicateDetectionWindow"/> (MassTransit's InboxCleanupService).
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
                logger.LogWarning(e, "Messaging cleanup failed; retrying in {Interval}", Interval);
            }
        }
        while (await WaitForNextRoundAsync(timer, stoppingToken));
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
    public static async Task<int> DeleteProcessedAsync(NpgsqlConnection connection, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM processed_messages WHERE processed_at < now() - @window", connection);
        delete.Parameters.AddWithValue("window", window);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> WaitForNextRoundAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false; // stopping
        }
    }
}
