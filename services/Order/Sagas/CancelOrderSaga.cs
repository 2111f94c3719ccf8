using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Order.Messaging;

namespace FoodOrdering.Order.Sagas;

/// <summary>
/// CancelOrderSaga: the order waits in CANCEL_PENDING (a semantic lock) while the kitchen and the
/// accounting agree; a refusal (e.g. the kitchen is already preparing the food) undoes in reverse and
/// returns the order to APPROVED with the reason. Replies on cancel-order-saga-replies. Diagram: Sagas/README.md.
/// <code>
/// step                    participant   command                   reply                          compensation
/// begin cancel order      Order         (OrderService.Cancel)                                    undo begin cancel
/// begin cancel ticket     Kitchen       BeginCancelTicket         TicketCancellationBegun | TicketCommandRejected   UndoBeginCancelTicket
/// reverse authorization   Accounting    ReverseAuthorization      AuthorizationReversed          (pivot)
/// confirm cancel ticket   Kitchen       ConfirmCancelTicket       TicketCancellationConfirmed    (retriable)
/// confirm cancel order    Order         (local)
/// notify consumer         Consumer      NotifyConsumer            (one-way: no reply)
/// </code>
/// A refusal notifies the consumer in "undo begin cancel" (OrderSagaActions).
/// </summary>
public sealed class CancelOrderSaga : SagaDefinition<CancelOrderSagaData>
{
    public CancelOrderSaga()
    {
        // OrderService.CancelAsync moves the order to CANCEL_PENDING in the transaction that starts this saga.
        Step("begin cancel order")
            .CompensateLocally<OrderSagaActions>((orders, data, reason) => orders.UndoBeginCancelAsync(data.OrderId, reason));
        Step("begin cancel ticket")
            .Send(data => new BeginCancelTicket(data.OrderId))
            .OnReply<TicketCancellationBegun>()
            .FailsOn<TicketCommandRejected>(reply => reply.Reason)
            .Compensate(data => new UndoBeginCancelTicket(data.OrderId))
            .OnCompensated<TicketCancellationUndone>();
        Step("reverse authorization")
            .Send(data => new ReverseAuthorization(data.ConsumerId, data.OrderId))
            .OnReply<AuthorizationReversed>();
        Step("confirm cancel ticket")
            .Send(data => new ConfirmCancelTicket(data.OrderId))
            .OnReply<TicketCancellationConfirmed>();
        Step("confirm cancel order")
            .Local<OrderSagaActions>((orders, data) => orders.ConfirmCancelAsync(data.OrderId));
        Step("notify consumer")
            .Notify(data => OrderNotifications.Cancelled(data.ConsumerId, data.OrderId, data.OrderTotal));
    }

    public override string Name => "cancel-order";
}

/// <summary>What CancelOrderSaga remembers between steps.</summary>
public sealed class CancelOrderSagaData
{
    public required long OrderId { get; init; }
    public required long ConsumerId { get; init; }
    public required string OrderTotal { get; init; }
}
