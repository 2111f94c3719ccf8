using System.Threading.Channels;
using Npgsql;

namespace FoodOrdering.Kitchen.Persistence;

/// <summary>A ticket was changed (and committed) in the Kitchen database.</summary>
public sealed record TicketChange(long RestaurantId, long TicketId);

/// <summary>
/// Every committed ticket change, as it happens, for the kitchen displays (gRPC TicketBoard). The tickets
/// table's trigger NOTIFYs <c>ticket_changed</c> on commit (Migrations/0001); this one connection per
/// process LISTENs and hands each change to every open board. Changes made by another Kitchen instance,
/// by REST or by a saga command arrive alike. While the database is away the feed reconnects with
/// back-off; a board that missed changes meanwhile is told nothing (a display reopens its board to
/// resynchronise).
/// </summary>
public sealed class TicketChangeFeed(IConfiguration configuration, ILogger<TicketChangeFeed> logger) : BackgroundService
{
    private readonly List<Channel<TicketChange>> subscribers = [];

    /// <summary>
    /// Changes from now on, until the subscription is disposed. Bounded: a display that stops reading
    /// loses its oldest changes instead of growing the service's memory.
    /// </summary>
    public TicketChangeSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<TicketChange>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (subscribers)
        {
            subscribers.Add(channel);
        }
        return new TicketChangeSubscription(channel.Reader, () =>
        {
            lock (subscribers)
            {
                subscribers.Remove(channel);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("KitchenDb")) { Pooling = false, KeepAlive = 10 }.ConnectionString;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Publish(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN ticket_changed", connection))
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
                logger.LogWarning("The ticket change feed lost its database connection ({Reason}); reconnecting in {Backoff}", e.Message, backoff);
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
        var parts = payload.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], out var restaurantId) || !long.TryParse(parts[1], out var ticketId))
        {
            return;
        }
        lock (subscribers)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(new TicketChange(restaurantId, ticketId));
            }
        }
    }
}

public sealed class TicketChangeSubscription(ChannelReader<TicketChange> changes, Action unsubscribe) : IDisposable
{
    public ChannelReader<TicketChange> Changes { get; } = changes;

    public void Dispose() => unsubscribe();
}
