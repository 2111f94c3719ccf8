using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Kitchen.Messaging;

// The Kitchen service as a saga participant (chapter 3, asynchronous request/response): one thin handler
// per command of the kitchen-service-commands channel. Each runs in the inbox's transaction
// (IdempotentConsumer: a redelivered message id is skipped), locks the order's ticket, lets the Ticket's
// state machine decide, and answers on the command's reply channel with its correlation id:
// - the success reply, also when the effect already holds (a saga retry with a new message id): then
//   nothing changes and no event is written;
// - TicketCommandRejected (TicketCreationFailed for CreateTicket) with the reason when the state or a
//   rule refuses. A business "no" is a reply, never an exception: exceptions are for failures that a
//   retry may cure.

/// <summary>CreateOrderSaga step "create ticket": TicketCreated(ticket id) or TicketCreationFailed(reason).</summary>
public sealed class CreateTicketHandler(KitchenDbContext db, TransactionalOutbox outbox) : IMessageHandler<CreateTicket>
{
    public static string Name => "kitchen.create-ticket";

    public async Task HandleAsync(IncomingMessage<CreateTicket> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        if (await db.LockTicketOfOrderAsync(command.OrderId, cancellationToken) is { } existing)
        {
            // One ticket per order, whatever the message id: a repeat gets the same answer; a create that
            // arrives after the compensation (CancelCreateTicket) must not bring the ticket back.
            if (existing.IsCancelled)
            {
                outbox.Reply(new TicketCreationFailed(command.OrderId, $"The ticket of order {command.OrderId} was cancelled."), message);
            }
            else
            {
                outbox.Reply(new TicketCreated(command.OrderId, existing.Id), message);
            }
            return;
        }
        if (await db.Restaurants.FindAsync([command.RestaurantId], cancellationToken) is not { } restaurant)
        {
            outbox.Reply(new TicketCreationFailed(command.OrderId, $"There is no restaurant {command.RestaurantId}."), message);
            return;
        }
        Ticket ticket;
        try
        {
            ticket = Ticket.Create(command.OrderId, restaurant, KitchenEvents.Ordered(command.LineItems));
        }
        catch (TicketCommandRefusedException refused)
        {
            outbox.Reply(new TicketCreationFailed(command.OrderId, refused.Message), message);
            return;
        }
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(cancellationToken); // assigns the ticket id the reply carries
        outbox.Reply(new TicketCreated(command.OrderId, ticket.Id), message);
    }
}

/// <summary>The compensation of CreateTicket. For an order without a ticket it records a cancelled one (see <see cref="Ticket.RecordCancelledBeforeCreation"/>).</summary>
public sealed class CancelCreateTicketHandler(KitchenDbContext db, TransactionalOutbox outbox, TicketSagaParticipant participant)
    : IMessageHandler<CancelCreateTicket>
{
    public static string Name => "kitchen.cancel-create-ticket";

    public async Task HandleAsync(IncomingMessage<CancelCreateTicket> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        if (await db.LockTicketOfOrderAsync(command.OrderId, cancellationToken) is null)
        {
            var cancelled = Ticket.RecordCancelledBeforeCreation(command.OrderId, command.RestaurantId);
            db.Tickets.Add(cancelled);
            await db.SaveChangesAsync(cancellationToken);
            outbox.Reply(new TicketCreationCancelled(command.OrderId, cancelled.Id), message);
            return;
        }
        await participant.ApplyAsync(message, command.OrderId, t => t.CancelCreate(),
            t => outbox.Reply(new TicketCreationCancelled(t.OrderId, t.Id), message), onChange: null, cancellationToken);
    }
}

public sealed class ConfirmCreateTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<ConfirmCreateTicket>
{
    public static string Name => "kitchen.confirm-create-ticket";

    public Task HandleAsync(IncomingMessage<ConfirmCreateTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.ConfirmCreate(),
            t => outbox.Reply(new TicketCreationConfirmed(t.OrderId, t.Id), message),
            t => outbox.Publish(KitchenEvents.Confirmed(t), KitchenEvents.KeyOf(t)), cancellationToken);
}

public sealed class BeginCancelTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<BeginCancelTicket>
{
    public static string Name => "kitchen.begin-cancel-ticket";

    public Task HandleAsync(IncomingMessage<BeginCancelTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.BeginCancel(),
            t => outbox.Reply(new TicketCancellationBegun(t.OrderId, t.Id), message), onChange: null, cancellationToken);
}

public sealed class ConfirmCancelTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<ConfirmCancelTicket>
{
    public static string Name => "kitchen.confirm-cancel-ticket";

    public Task HandleAsync(IncomingMessage<ConfirmCancelTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.ConfirmCancel(),
            t => outbox.Reply(new TicketCancellationConfirmed(t.OrderId, t.Id), message),
            t => outbox.Publish(KitchenEvents.Cancelled(t), KitchenEvents.KeyOf(t)), cancellationToken);
}

public sealed class UndoBeginCancelTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<UndoBeginCancelTicket>
{
    public static string Name => "kitchen.undo-begin-cancel-ticket";

    public Task HandleAsync(IncomingMessage<UndoBeginCancelTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.UndoBeginCancel(),
            t => outbox.Reply(new TicketCancellationUndone(t.OrderId, t.Id), message), onChange: null, cancellationToken);
}

public sealed class BeginReviseTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<BeginReviseTicket>
{
    public static string Name => "kitchen.begin-revise-ticket";

    public Task HandleAsync(IncomingMessage<BeginReviseTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.BeginRevise(KitchenEvents.Ordered(message.Body.RevisedLineItems)),
            t => outbox.Reply(new TicketRevisionBegun(t.OrderId, t.Id), message), onChange: null, cancellationToken);
}

public sealed class ConfirmReviseTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<ConfirmReviseTicket>
{
    public static string Name => "kitchen.confirm-revise-ticket";

    public Task HandleAsync(IncomingMessage<ConfirmReviseTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.ConfirmRevise(KitchenEvents.Ordered(message.Body.RevisedLineItems)),
            t => outbox.Reply(new TicketRevisionConfirmed(t.OrderId, t.Id), message),
            t => outbox.Publish(KitchenEvents.Revised(t), KitchenEvents.KeyOf(t)), cancellationToken);
}

public sealed class UndoBeginReviseTicketHandler(TransactionalOutbox outbox, TicketSagaParticipant participant) : IMessageHandler<UndoBeginReviseTicket>
{
    public static string Name => "kitchen.undo-begin-revise-ticket";

    public Task HandleAsync(IncomingMessage<UndoBeginReviseTicket> message, CancellationToken cancellationToken) =>
        participant.ApplyAsync(message, message.Body.OrderId, t => t.UndoBeginRevise(),
            t => outbox.Reply(new TicketRevisionUndone(t.OrderId, t.Id), message), onChange: null, cancellationToken);
}

/// <summary>
/// The one shape of every command on an existing ticket: lock the order's ticket, apply the transition,
/// write the event only if the state changed, reply success, or reply TicketCommandRejected with the
/// state that refused and why (no ticket: rejected too).
/// </summary>
public sealed class TicketSagaParticipant(KitchenDbContext db, TransactionalOutbox outbox)
{
    public async Task ApplyAsync(IncomingMessage message, long orderId, Func<Ticket, bool> transition, Action<Ticket> replySuccess,
        Action<Ticket>? onChange, CancellationToken cancellationToken)
    {
        var command = message.MessageType;
        var ticket = await db.LockTicketOfOrderAsync(orderId, cancellationToken);
        if (ticket is null)
        {
            outbox.Reply(new TicketCommandRejected(orderId, command, null, $"Order {orderId} has no ticket."), message);
            return;
        }
        bool changed;
        try
        {
            changed = transition(ticket);
        }
        catch (TicketCommandRefusedException refused)
        {
            outbox.Reply(new TicketCommandRejected(orderId, command, refused.State?.ToWireName(), refused.Message), message);
            return;
        }
        if (changed)
        {
            onChange?.Invoke(ticket);
        }
        replySuccess(ticket);
    }
}
