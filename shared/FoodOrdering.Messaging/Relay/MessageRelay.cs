using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// Message relay (chapter 3, "publishing events"): moves committed outbox rows to the broker, in two
/// flavours chosen by <c>Messaging:Relay</c> (<see cref="PollingMessageRelay"/>, <see cref="LogTailingMessageRelay"/>).
/// What both share lives here:
/// <list type="bullet">
/// <item>one active relay per service and database: a session advisory lock on the <see cref="RelayConnection"/>;
/// other instances stand by and take over when it is released;</item>
/// <item>the outbox table is the one source of truth for what is unsent (<see cref="PublishUnsentRowsAsync"/>);</item>
/// <item>each published row's outcome is recorded: sent (at the confirm time), held (its channel waits,
/// <see cref="ChannelHolds"/>), or failed for good (moved aside with the reason, so the rows behind it flow);</item>
/// <item>after a failure (database or broker away) it retries with a back-off that doubles up to
/// <see cref="MessagingOptions.MaxBackoff"/>, logging when something changes rather than every attempt.</item>
/// </list>
/// </summary>
public abstract class MessageRelay(string connectionString, BrokerPublisher publisher, MessagingOptions options, MessagingMetrics metrics, ILogger logger)
{
    private bool succeededSinceFailure;

    protected string ConnectionString => connectionString;
    protected MessagingOptions Options => options;
    protected ILogger Logger => logger;
    protected ChannelHolds Holds { get; } = new(options, logger);

    /// <summary>"Polling relay" or "Log-tailing relay", for the logs.</summary>
    protected abstract string Name { get; }

    /// <summary>Runs until cancelled, surviving database and broker outages by retrying.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        string? lastFailure = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = RelayConnection.Create(connectionString, options.ServiceName);
                await connection.OpenAsync(cancellationToken);
                await BecomeTheActiveRelayAsync(connection, cancellationToken);
                await RunWhileActiveAsync(connection, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsInUseElsewhere(e))
            {
                // Not a failure: something else still holds what this relay needs (see IsInUseElsewhere).
                logger.LogDebug("{Relay} of {Service} waits: {Reason}", Name, options.ServiceName, e.Message);
                await Task.Delay(options.PollInterval, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (succeededSinceFailure)
                {
                    (failures, succeededSinceFailure) = (0, false);
                }
                failures++;
                var delay = TimeSpan.FromTicks(Math.Min(options.ErrorBackoff.Ticks << Math.Min(failures - 1, 16), options.MaxBackoff.Ticks));
                if (failures == 1 || e.Message != lastFailure)
                {
                    logger.LogWarning(e, "{Relay} of {Service} failed; retrying with back-off (next in {Delay})", Name, options.ServiceName, delay);
                }
                else
                {
                    logger.LogDebug("{Relay} of {Service} failed again ({Failures} in a row): {Reason}", Name, options.ServiceName, failures, e.Message);
                }
                lastFailure = e.Message;
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="failure"/> only means that something else still holds what this relay
    /// needs for a moment (the replication slot of a relay whose connection is still closing): it waits a
    /// poll interval and tries again, without the growing back-off of a real failure.
    /// </summary>
    protected virtual bool IsInUseElsewhere(Exception failure) => false;

    /// <summary>Publishes while this relay holds the lock; returns only by throwing (or when cancelled).</summary>
    protected abstract Task RunWhileActiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    private async Task BecomeTheActiveRelayAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var loggedStandby = false;
        while (true)
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            tryLock.Parameters.AddWithValue("key", StableHash.Of64(options.ServiceName));
            if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                logger.LogInformation("{Relay} of {Service} is active", Name, options.ServiceName);
                return;
            }
            if (!loggedStandby)
            {
                logger.LogInformation("Another message relay of {Service} is active; {Relay} stands by", options.ServiceName, Name);
                loggedStandby = true;
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Publishes every unsent row of the table, oldest first, except those of channels waiting out a
    /// back-off; returns how many it sent or moved aside. Channels that were due and are not held again
    /// afterwards are released.
    /// </summary>
    protected async Task<int> PublishUnsentRowsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var due = Holds.All().Except(Holds.Waiting()).ToList();
        var done = 0;
        while (true)
        {
            var rows = await OutboxTable.ReadUnsentAsync(connection, options.BatchSize, Holds.Waiting(), cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }
            var result = await PublishAndRecordAsync(connection, rows, cancellationToken);
            var progressed = result.Outcomes.Count(o => o.Status is PublishStatus.Sent or PublishStatus.Failed);
            done += progressed;
            if (rows.Count < options.BatchSize || progressed == 0)
            {
                break;
            }
        }
        var stillWaiting = Holds.Waiting();
        foreach (var channel in due.Where(c => !stillWaiting.Contains(c)))
        {
            Holds.Released(channel); // nothing of it is left to publish
        }
        return done;
    }

    /// <summary>Publishes <paramref name="rows"/> and records what became of each; throws if the broker went away.</summary>
    protected async Task<PublishResult> PublishAndRecordAsync(NpgsqlConnection connection, IReadOnlyList<Outbox.OutboxMessage> rows,
        CancellationToken cancellationToken)
    {
        var result = await publisher.PublishAsync(rows, cancellationToken);
        var sent = result.Outcomes.Where(o => o.Status == PublishStatus.Sent).ToList();
        var failed = result.Outcomes.Where(o => o.Status == PublishStatus.Failed).ToList();
        await OutboxTable.MarkSentAsync(connection, sent.Select(o => (o.Message.Position, o.At)).ToList(), cancellationToken);
        await OutboxTable.MarkFailedAsync(connection, failed.Select(o => (o.Message.Position, o.Reason!)).ToList(), cancellationToken);

        foreach (var channel in sent.GroupBy(o => o.Message.Channel))
        {
            Holds.Released(channel.Key);
            metrics.Published.Add(channel.Count(), MessagingMetrics.ChannelTag(channel.Key));
        }
        foreach (var outcome in failed)
        {
            logger.LogError("Outbox message {MessageId} ({MessageType}, position {Position}) can never be published: {Reason}. " +
                "It is marked failed (outbox.failed_at, failure_reason); the messages behind it flow on",
                outcome.Message.Id, outcome.Message.MessageType, outcome.Message.Position, outcome.Reason);
            metrics.Unpublishable.Add(1, MessagingMetrics.ChannelTag(outcome.Message.Channel));
        }
        foreach (var held in result.Outcomes.Where(o => o.Status == PublishStatus.Held).GroupBy(o => o.Message.Channel))
        {
            Holds.Hold(held.Key, held.First().Reason!);
            metrics.Held.Add(held.Count(), MessagingMetrics.ChannelTag(held.Key));
        }
        if (result.BrokerFailure is not null)
        {
            throw new InvalidOperationException($"Publishing to RabbitMQ failed: {result.BrokerFailure.Message}", result.BrokerFailure);
        }
        succeededSinceFailure = true;
        return result;
    }
}
