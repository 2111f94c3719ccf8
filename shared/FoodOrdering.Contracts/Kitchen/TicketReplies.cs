namespace FoodOrdering.Contracts.Kitchen;

// The Kitchen service's answers to the ticket commands, sent to the reply channel each command named,
// with its correlation id. A command whose effect already holds (a repeat) gets its success reply again,
// and changes nothing; a command the ticket's state refuses gets TicketCommandRejected with the reason.

/// <summary>CreateTicket succeeded (or the order's ticket already exists): the ticket id, which the saga keeps.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCreated(long OrderId, long TicketId);

/// <summary>CreateTicket failed: unknown restaurant, a menu item the restaurant does not have, a bad quantity, or the order's ticket was cancelled.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCreationFailed(long OrderId, string Reason);

/// <summary>ConfirmCreateTicket: the ticket awaits the kitchen's acceptance.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCreationConfirmed(long OrderId, long TicketId);

/// <summary>CancelCreateTicket: the pending ticket is cancelled (or was, or never existed and now cannot be created).</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCreationCancelled(long OrderId, long TicketId);

/// <summary>BeginCancelTicket: the ticket is CANCEL_PENDING.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCancellationBegun(long OrderId, long TicketId);

/// <summary>ConfirmCancelTicket: the ticket is CANCELLED.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCancellationConfirmed(long OrderId, long TicketId);

/// <summary>UndoBeginCancelTicket: no cancellation is pending any more.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketCancellationUndone(long OrderId, long TicketId);

/// <summary>BeginReviseTicket: the revision is pending (REVISION_PENDING).</summary>
[Message(MessageKind.Reply)]
public sealed record TicketRevisionBegun(long OrderId, long TicketId);

/// <summary>ConfirmReviseTicket: the ticket has the revised line items.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketRevisionConfirmed(long OrderId, long TicketId);

/// <summary>UndoBeginReviseTicket: no revision is pending any more.</summary>
[Message(MessageKind.Reply)]
public sealed record TicketRevisionUndone(long OrderId, long TicketId);

/// <summary>
/// The ticket's state refuses the command (e.g. BeginCancelTicket while the kitchen is already preparing
/// the food), or the order has no ticket. Nothing changed. <c>TicketState</c> is the state that refused
/// (null when there is no ticket).
/// </summary>
[Message(MessageKind.Reply)]
public sealed record TicketCommandRejected(long OrderId, string Command, string? TicketState, string Reason);
