using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.ServiceDefaults;

/// <summary>
/// Committed changes of one table, pushed to whoever is interested in this process, without polling: a
/// trigger on the table NOTIFYs <see cref="NotificationChannel"/> on commit (see the service's migration),
/// and ONE connection per process LISTENs and hands each change to every subscriber. Changes committed by
/// another instance of the service, by REST, by a saga or by hand arrive alike. However many subscribers
/// there are, the database sees one idle connection. While the database is away the feed reconnects with
/// back-off; changes committed meanwhile are not replayed (a subscriber that needs them reads the table again).
/// Kitchen's TicketChangeFeed (the kitchen display) and Order's OrderChangeFeed (WatchOrder) are two.
/// </summary>
public abstract class DatabaseChangeFeed<TChange>(string connectionString, string notificationChannel, ILogger logger) : BackgroundService
    where TChange : class
{
    private readonly List<(Channel<TChange> Channel, Func<TChange, bool> Wanted)> subscribers = [];

    public string NotificationChannel { get; } = notificationChannel;

    /// <summary>How many subscriptions are open now (a released one no longer counts).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (subscribers)
            {
                return subscribers.Count;
            }
        }
    }

    /// <summary>
    /// The changes <paramref name="wanted"/> selects (all by default) from now on, until the subscription is
    /// disposed. Bounded: a subscriber that stops reading loses its oldest changes instead of growing the
    /// service's memory.
    /// </summary>
    public ChangeSubscription<TChange> Subscribe(Func<TChange, bool>? wanted = null)
    {
        var entry = (Channel.CreateBounded<TChange>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest }), wanted ?? (_ => true));
        lock (subscribers)
        {
            subscribers.Add(entry);
        }
        return new ChangeSubscription<TChange>(entry.Item1.Reader, () =>
        {
            lock (subscribers)
            {
                subscribers.Remove(entry);
            }
        });
    }

    /// <summary>The change a notification's payload describes; null for a payload this feed does not understand.</summary>
    protected abstract TChange? Parse(string payload);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listenerConnection = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenerConnection);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                backoff = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The {Channel} change feed lost its database connection ({Reason}); reconnecting in {Backoff}", NotificationChannel, e.Message, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Publish(string payload)
    {
        if (Parse(payload) is not { } change)
        {
            return;
        }
        lock (subscribers)
        {
            foreach (var (channel, wanted) in subscribers)
            {
                if (wanted(change))
                {
                    channel.Writer.TryWrite(change);
                }
            }
        }
    }
}

/// <summary>An open subscription to a <see cref="DatabaseChangeFeed{TChange}"/>; dispose it to leave.</summary>
public sealed class ChangeSubscription<TChange>(ChannelReader<TChange> changes, Action unsubscribe) : IDisposable
{
    public ChannelReader<TChange> Changes { get; } = changes;

    public void Dispose() => unsubscribe();
}
