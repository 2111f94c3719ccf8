namespace FoodOrdering.Contracts.Order;

// What happened to an order, on the order-events channel (keyed by order id, so one order's events
// arrive in order). Money is a decimal string ("12.34").

/// <summary>An order was placed (APPROVAL_PENDING): CreateOrderSaga starts.</summary>
[Message(MessageKind.Event, Channels.OrderEvents)]
public sealed record OrderCreated(long OrderId, long ConsumerId, long RestaurantId, IReadOnlyList<OrderLineItem> LineItems, string OrderTotal);

[Message(MessageKind.Event, Channels.OrderEvents)]
public sealed record OrderApproved(long OrderId, long ConsumerId);

/// <summary>CreateOrderSaga failed; the reason says which step refused and why.</summary>
[Message(MessageKind.Event, Channels.OrderEvents)]
public sealed record OrderRejected(long OrderId, long ConsumerId, string Reason);

[Message(MessageKind.Event, Channels.OrderEvents)]
public sealed record OrderCancelled(long OrderId, long ConsumerId);

[Message(MessageKind.Event, Channels.OrderEvents)]
public sealed record OrderRevised(long OrderId, long ConsumerId, IReadOnlyList<OrderLineItem> LineItems, string OrderTotal);

/// <summary>One line of an order, priced from the menu replica.</summary>
public sealed record OrderLineItem(string MenuItemId, string Name, int Quantity, string Price);
