using FoodOrdering.Order.Domain;
using FoodOrdering.ServiceDefaults;

namespace FoodOrdering.Order.Persistence;

/// <summary>An order's state as committed in the Order database.</summary>
public sealed record OrderChange(long OrderId, int Version, OrderState State);

/// <summary>
/// Every committed change of an order's state, as it happens, for WatchOrder. The orders table's trigger
/// NOTIFYs <c>order_changed</c> with "orderId:version:STATE" on commit (Migrations/0002), so the payload already
/// says what a watcher sends: <see cref="DatabaseChangeFeed{TChange}"/> LISTENs once per process and a
/// watcher reads nothing more from the database. Changes committed by another Order instance (its sagas,
/// its REST requests) arrive alike.
/// </summary>
public sealed class OrderChangeFeed(IConfiguration configuration, ILogger<OrderChangeFeed> logger)
    : DatabaseChangeFeed<OrderChange>(configuration.GetConnectionString("OrderDb")!, "order_changed", logger)
{
    protected override OrderChange? Parse(string payload)
    {
        var parts = payload.Split(':');
        var state = Enum.GetValues<OrderState>().Cast<OrderState?>().FirstOrDefault(s => s!.Value.Name() == parts[^1]);
        return parts.Length == 3 && long.TryParse(parts[0], out var orderId) && int.TryParse(parts[1], out var version) && state is { } known
            ? new OrderChange(orderId, version, known)
            : null;
    }
}
