namespace FoodOrdering.Contracts.Kitchen;

// What happened to a ticket, for whoever subscribes to the ticket-events channel (keyed by order id, so
// one ticket's events arrive in order). The saga's pending states (CREATE_PENDING, CANCEL_PENDING,
// REVISION_PENDING) are not announced: only outcomes are.

/// <summary>The order was approved: the ticket reached the kitchen and awaits acceptance.</summary>
[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketConfirmed(long TicketId, long OrderId, long RestaurantId, IReadOnlyList<TicketLineItem> LineItems);

/// <summary>The kitchen accepted the ticket and promised it ready by <c>ReadyBy</c>.</summary>
[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketAccepted(long TicketId, long OrderId, long RestaurantId, DateTimeOffset ReadyBy);

[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketPreparationStarted(long TicketId, long OrderId, long RestaurantId);

[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketReadyForPickup(long TicketId, long OrderId, long RestaurantId);

[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketPickedUp(long TicketId, long OrderId, long RestaurantId);

/// <summary>The order was cancelled after its ticket reached the kitchen.</summary>
[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketCancelled(long TicketId, long OrderId, long RestaurantId);

/// <summary>The order was revised: the ticket's new line items.</summary>
[Message(MessageKind.Event, Channels.TicketEvents)]
public sealed record TicketRevised(long TicketId, long OrderId, long RestaurantId, IReadOnlyList<TicketLineItem> LineItems);
