using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Contracts.Order;
using OrderAggregate = FoodOrdering.Order.Domain.Order;
using OrderLineItem = FoodOrdering.Order.Domain.OrderLineItem;

namespace FoodOrdering.Order.Messaging;

/// <summary>
/// The Order aggregate as the contracts other services read: its events (order-events channel, keyed by
/// order id) and line items as the Kitchen sees them. Mapping here keeps the
/// domain free of contract types and the contracts free of domain types.
/// </summary>
public static class OrderMessages
{
    public static OrderCreated Created(OrderAggregate order) =>
        new(order.Id, order.ConsumerId, order.RestaurantId, LineItems(order.LineItems), order.OrderTotal.ToString());

    public static OrderApproved Approved(OrderAggregate order) => new(order.Id, order.ConsumerId);

    public static OrderRejected Rejected(OrderAggregate order) => new(order.Id, order.ConsumerId, order.RejectionReason!);

    public static OrderCancelled Cancelled(OrderAggregate order) => new(order.Id, order.ConsumerId);

    public static OrderRevised Revised(OrderAggregate order) => new(order.Id, order.ConsumerId, LineItems(order.LineItems), order.OrderTotal.ToString());

    public static List<TicketLineItem> TicketLineItems(IEnumerable<OrderLineItem> lineItems) =>
        lineItems.Select(i => new TicketLineItem(i.MenuItemId, i.Quantity)).ToList();

    private static List<Contracts.Order.OrderLineItem> LineItems(IEnumerable<OrderLineItem> lineItems) =>
        lineItems.Select(i => new Contracts.Order.OrderLineItem(i.MenuItemId, i.Name, i.Quantity, i.Price.ToString())).ToList();
}
