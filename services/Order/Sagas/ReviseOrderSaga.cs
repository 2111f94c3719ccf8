using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Order.Messaging;

namespace FoodOrdering.Order.Sagas;

/// <summary>
/// ReviseOrderSaga: the order waits in REVISION_PENDING with the revised line items while the consumer's
/// limit, the kitchen and the card agree to the new total; a refusal (over the consumer's order limit,
/// card declined, ticket too far along) undoes in reverse and keeps the old order. Replies on
/// revise-order-saga-replies. Diagram: Sagas/README.md.
/// <code>
/// step                    participant   command                   reply                          compensation
/// begin revise order      Order         (OrderService.Revise)                                    undo begin revise
/// verify consumer         Consumer      ValidateOrderByConsumer   ConsumerVerified | ...Failed
/// begin revise ticket     Kitchen       BeginReviseTicket         TicketRevisionBegun | TicketCommandRejected   UndoBeginReviseTicket
/// revise authorization    Accounting    ReviseAuthorization       AuthorizationRevised | ...Failed   (pivot)
/// confirm revise ticket   Kitchen       ConfirmReviseTicket       TicketRevisionConfirmed        (retriable)
/// confirm revise order    Order         (local)
/// notify consumer         Consumer      NotifyConsumer            (one-way: no reply)
/// </code>
/// A refusal notifies the consumer in "undo begin revise" (OrderSagaActions).
/// </summary>
public sealed class ReviseOrderSaga : SagaDefinition<ReviseOrderSagaData>
{
    public ReviseOrderSaga()
    {
        // OrderService.ReviseAsync moves the order to REVISION_PENDING in the transaction that starts this saga.
        Step("begin revise order")
            .CompensateLocally<OrderSagaActions>((orders, data, reason) => orders.UndoBeginReviseAsync(data.OrderId, reason));
        Step("verify consumer")
            .Send(data => new ValidateOrderByConsumer(data.ConsumerId, data.OrderId, data.NewOrderTotal))
            .OnReply<ConsumerVerified>()
            .FailsOn<ConsumerVerificationFailed>(reply => reply.Reason);
        Step("begin revise ticket")
            .Send(data => new BeginReviseTicket(data.OrderId, data.RevisedLineItems))
            .OnReply<TicketRevisionBegun>()
            .FailsOn<TicketCommandRejected>(reply => reply.Reason)
            .Compensate(data => new UndoBeginReviseTicket(data.OrderId))
            .OnCompensated<TicketRevisionUndone>();
        Step("revise authorization")
            .Send(data => new ReviseAuthorization(data.ConsumerId, data.OrderId, data.NewOrderTotal))
            .OnReply<AuthorizationRevised>()
            .FailsOn<AuthorizationRevisionFailed>(reply => $"card declined: {reply.Reason}");
        Step("confirm revise ticket")
            .Send(data => new ConfirmReviseTicket(data.OrderId, data.RevisedLineItems))
            .OnReply<TicketRevisionConfirmed>();
        Step("confirm revise order")
            .Local<OrderSagaActions>((orders, data) => orders.ConfirmReviseAsync(data.OrderId));
        Step("notify consumer")
            .Notify(data => OrderNotifications.Revised(data.ConsumerId, data.OrderId, data.NewOrderTotal));
    }

    public override string Name => "revise-order";
}

/// <summary>What ReviseOrderSaga remembers between steps.</summary>
public sealed class ReviseOrderSagaData
{
    public required long OrderId { get; init; }
    public required long ConsumerId { get; init; }
    public required IReadOnlyList<TicketLineItem> RevisedLineItems { get; init; }
    public required string NewOrderTotal { get; init; }
}
