using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Kitchen.Domain;

namespace FoodOrdering.Kitchen.Messaging;

/// <summary>
/// The Restaurant and Ticket aggregates' domain events as the contracts other services read (published on
/// restaurant-events, keyed by restaurant id, and ticket-events, keyed by order id, through the
/// transactional outbox). Mapping here keeps the domain free of contract types and the contracts free of
/// domain types.
/// </summary>
public static class KitchenEvents
{
    public static RestaurantCreated RestaurantCreated(Restaurant restaurant) =>
        new(restaurant.Id, restaurant.Name,
            new RestaurantAddress(restaurant.Address.Street1, restaurant.Address.Street2, restaurant.Address.City, restaurant.Address.State, restaurant.Address.Zip),
            MenuOf(restaurant));

    public static RestaurantMenuRevised MenuRevised(Restaurant restaurant) => new(restaurant.Id, MenuOf(restaurant));

    public static TicketConfirmed Confirmed(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId, LineItemsOf(ticket.LineItems));

    public static TicketAccepted Accepted(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId, ticket.ReadyBy!.Value);

    public static TicketPreparationStarted PreparationStarted(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId);

    public static TicketReadyForPickup ReadyForPickup(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId);

    public static TicketPickedUp PickedUp(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId);

    public static TicketCancelled Cancelled(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId);

    public static TicketRevised Revised(Ticket ticket) => new(ticket.Id, ticket.OrderId, ticket.RestaurantId, LineItemsOf(ticket.LineItems));

    /// <summary>The key of a ticket's events: its order id, so one order's ticket events arrive in order.</summary>
    public static string KeyOf(Ticket ticket) => ticket.OrderId.ToString();

    public static string KeyOf(Restaurant restaurant) => restaurant.Id.ToString();

    /// <summary>Line items of a command, as the domain takes them.</summary>
    public static IReadOnlyList<(string MenuItemId, int Quantity)> Ordered(IReadOnlyList<Contracts.Kitchen.TicketLineItem>? lineItems) =>
        [.. (lineItems ?? []).Select(l => (l.MenuItemId, l.Quantity))];

    private static IReadOnlyList<RestaurantMenuItem> MenuOf(Restaurant restaurant) =>
        [.. restaurant.Menu.Select(item => new RestaurantMenuItem(item.Id, item.Name, item.Price.ToString()))];

    private static IReadOnlyList<Contracts.Kitchen.TicketLineItem> LineItemsOf(IEnumerable<Domain.TicketLineItem> lineItems) =>
        [.. lineItems.Select(l => new Contracts.Kitchen.TicketLineItem(l.MenuItemId, l.Quantity))];
}
