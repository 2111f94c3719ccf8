using FoodOrdering.Messaging.Relay;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging;

/// <summary>
/// Reads the outbox's state every few seconds, in every instance, for the metrics
/// (<see cref="MessagingMetrics"/>) and the health report: how many rows wait, how long the oldest has
/// waited, how many failed for good. A service keeps answering while the broker is away (that is what the
/// outbox is for), so this is not part of readiness: it is what an operator looks at.
/// </summary>
public sealed class OutboxMonitor(string connectionString, ILogger<OutboxMonitor> logger) : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A backlog whose oldest row waited longer than this makes the outbox check report Degraded.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(1);

    public OutboxStatistics Latest { get; private set; } = OutboxStatistics.Unknown;

    public async Task<OutboxStatistics> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return Latest = await OutboxTable.ReadStatisticsAsync(connection, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var failing = false;
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    logger.LogDebug(e, "Could not read the outbox statistics");
                }
                failing = true;
            }
        }
        while (await WaitForNextRoundAsync(timer, stoppingToken));
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statistics = await RefreshAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["unsent"] = statistics.Unsent,
            ["oldestUnsentSeconds"] = Math.Round(statistics.OldestUnsentAge.TotalSeconds, 1),
            ["failed"] = statistics.Failed,
        };
        return statistics switch
        {
            { Failed: > 0 } => HealthCheckResult.Degraded(
                $"{statistics.Failed} outbox rows can never be published: see outbox.failure_reason", data: data),
            { Unsent: > 0 } when statistics.OldestUnsentAge > StuckAfter => HealthCheckResult.Degraded(
                $"The oldest of {statistics.Unsent} unsent outbox rows has waited {statistics.OldestUnsentAge:g} (broker away, or no relay running?)", data: data),
            _ => HealthCheckResult.Healthy($"{statistics.Unsent} outbox rows waiting", data),
        };
    }

    internal static async Task<bool> WaitForNextRoundAsync(PeriodicTimer timer, CancellationToken stoppingToken)
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
