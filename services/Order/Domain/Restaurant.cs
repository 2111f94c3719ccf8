using FoodOrdering.Domain;

namespace FoodOrdering.Order.Domain;

/// <summary>
/// The Order service's replica of a Kitchen restaurant and its menu (data replication over
/// publish/subscribe: kept from RestaurantCreated and RestaurantMenuRevised). It lets the Order service
/// validate and price an order on its own, with no synchronous call to the Kitchen service, at the price
/// of being a little behind (the lag is a metric: ftgo.order.menu_replica.lag).
/// </summary>
public sealed class Restaurant
{
    private Restaurant()
    {
        Name = "";
        MenuItems = [];
    }

    public Restaurant(long id, string name, IReadOnlyList<MenuItem> menuItems)
    {
        Id = id;
        Name = name;
        MenuItems = menuItems;
    }

    public long Id { get; private set; }
    public string Name { get; private set; }
    public IReadOnlyList<MenuItem> MenuItems { get; private set; }

    /// <summary>A revised menu replaces the whole menu (the event carries all of it).</summary>
    public void ReviseMenu(IReadOnlyList<MenuItem> menuItems) => MenuItems = menuItems;

    /// <summary>Prices what the consumer asks for; a menu item this restaurant does not have refuses the order.</summary>
    public IReadOnlyList<OrderLineItem> Price(IEnumerable<RequestedLineItem> requested) =>
        requested.Select(r => MenuItems.FirstOrDefault(m => m.Id == r.MenuItemId) is { } item
                ? new OrderLineItem(item.Id, item.Name, r.Quantity, item.Price)
                : throw new OrderNotPricedException($"Restaurant {Id} has no menu item '{r.MenuItemId}'."))
            .ToList();
}

public sealed record MenuItem(string Id, string Name, Money Price);

/// <summary>The order names a restaurant or menu item the replica does not know: it cannot be priced (REST 422).</summary>
public sealed class OrderNotPricedException(string message) : DomainException(message);
