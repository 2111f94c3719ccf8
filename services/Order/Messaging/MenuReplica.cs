using System.Diagnostics.Metrics;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;

namespace FoodOrdering.Order.Messaging;

/// <summary>
/// Data replication (chapter 3, publish/subscribe): the Order service subscribes to the Kitchen's
/// restaurant-events and keeps its own copy of every menu, so POST /v1/orders validates and prices an
/// order without calling the Kitchen service. Both events carry the whole menu, so applying one is an
/// upsert that needs no earlier event; the inbox drops redeliveries.
/// </summary>
public sealed class RestaurantCreatedHandler(OrderDbContext db, MenuReplicaMetrics metrics) : IMessageHandler<RestaurantCreated>
{
    public static string Name => "order.menu-replica.restaurant-created";

    public async Task HandleAsync(IncomingMessage<RestaurantCreated> message, CancellationToken cancellationToken)
    {
        await MenuReplica.ApplyAsync(db, message.Body.RestaurantId, message.Body.Name, message.Body.MenuItems, cancellationToken);
        metrics.Applied(message);
    }
}

public sealed class RestaurantMenuRevisedHandler(OrderDbContext db, MenuReplicaMetrics metrics) : IMessageHandler<RestaurantMenuRevised>
{
    public static string Name => "order.menu-replica.restaurant-menu-revised";

    public async Task HandleAsync(IncomingMessage<RestaurantMenuRevised> message, CancellationToken cancellationToken)
    {
        // Its RestaurantCreated may predate this service's subscription: the whole menu is here anyway.
        await MenuReplica.ApplyAsync(db, message.Body.RestaurantId, $"Restaurant {message.Body.RestaurantId}", message.Body.MenuItems, cancellationToken);
        metrics.Applied(message);
    }
}

internal static class MenuReplica
{
    /// <summary>The restaurant's whole menu, whether the replica knew the restaurant or not (an upsert).</summary>
    public static async Task ApplyAsync(OrderDbContext db, long restaurantId, string name, IEnumerable<RestaurantMenuItem> items,
        CancellationToken cancellationToken)
    {
        var menu = items.Select(i => new MenuItem(i.Id, i.Name, Money.TryParse(i.Price, out var price)
                ? price
                : throw new InvalidOperationException($"Menu item '{i.Id}' has a malformed price '{i.Price}'.")))
            .ToList();
        if (await db.Restaurants.FindAsync([restaurantId], cancellationToken) is { } restaurant)
        {
            restaurant.ReviseMenu(menu);
        }
        else
        {
            db.Restaurants.Add(new Restaurant(restaurantId, name, menu));
        }
    }
}

/// <summary>
/// How far behind the Kitchen the menu replica is: for each restaurant event applied, the time from its
/// commit in the Kitchen's outbox to its application here (histogram ftgo.order.menu_replica.lag, seconds).
/// </summary>
public sealed class MenuReplicaMetrics
{
    public const string MeterName = "FoodOrdering.Order";

    private readonly Histogram<double> lag;
    private readonly Counter<long> applied;

    public MenuReplicaMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        lag = meter.CreateHistogram<double>("ftgo.order.menu_replica.lag", "s",
            "Time from a restaurant event's commit in the Kitchen service to its application to the Order service's menu replica.");
        applied = meter.CreateCounter<long>("ftgo.order.menu_replica.applied", "{event}", "Restaurant events applied to the menu replica.");
    }

    public void Applied(IncomingMessage message)
    {
        applied.Add(1);
        if (message.SentAt is { } sentAt)
        {
            lag.Record(Math.Max(0, (DateTimeOffset.UtcNow - sentAt).TotalSeconds));
        }
    }
}
