namespace FoodOrdering.Contracts.Kitchen;

// The commands the order sagas send to the Kitchen service (chapter 3: asynchronous request/response).
// Every one travels on the sharded kitchen-service-commands channel keyed by the order id, so one order's
// commands are handled in the order they were sent, by one Kitchen instance at a time. Each is answered
// on the reply channel the command names, with its correlation id: a success reply named after what
// happened, or TicketCommandRejected (TicketCreationFailed for CreateTicket) with the reason.
// The order id is the ticket's business key: one ticket per order, whatever the message ids.

/// <summary>Step "create ticket" of CreateOrderSaga: a ticket in CREATE_PENDING. Replies TicketCreated or TicketCreationFailed.</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record CreateTicket(long OrderId, long RestaurantId, IReadOnlyList<TicketLineItem> LineItems);

/// <summary>CreateOrderSaga's last Kitchen step: the order is approved, the ticket goes to the kitchen (AWAITING_ACCEPTANCE).</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record ConfirmCreateTicket(long OrderId);

/// <summary>
/// The compensation of CreateTicket (the order was rejected): the pending ticket is cancelled. For an order
/// the Kitchen has no ticket of yet, it records a cancelled one, so that a CreateTicket arriving later
/// cannot create it (the restaurant id is what that record needs).
/// </summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record CancelCreateTicket(long OrderId, long RestaurantId);

/// <summary>CancelOrderSaga: the ticket waits for the cancellation's outcome (CANCEL_PENDING).</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record BeginCancelTicket(long OrderId);

/// <summary>CancelOrderSaga succeeded: CANCEL_PENDING -> CANCELLED.</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record ConfirmCancelTicket(long OrderId);

/// <summary>CancelOrderSaga failed later on: CANCEL_PENDING -> the state before it.</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record UndoBeginCancelTicket(long OrderId);

/// <summary>ReviseOrderSaga: the revised line items wait for the revision's outcome (REVISION_PENDING).</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record BeginReviseTicket(long OrderId, IReadOnlyList<TicketLineItem> RevisedLineItems);

/// <summary>ReviseOrderSaga succeeded: the ticket takes the revised line items and returns to the state before REVISION_PENDING.</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record ConfirmReviseTicket(long OrderId, IReadOnlyList<TicketLineItem> RevisedLineItems);

/// <summary>ReviseOrderSaga failed later on: the revision is dropped, the ticket returns to the state before REVISION_PENDING.</summary>
[Message(MessageKind.Command, Channels.KitchenServiceCommands, Partitions = Channels.KitchenServiceCommandPartitions)]
public sealed record UndoBeginReviseTicket(long OrderId);

/// <summary>How many of one menu item an order asks for.</summary>
public sealed record TicketLineItem(string MenuItemId, int Quantity);
