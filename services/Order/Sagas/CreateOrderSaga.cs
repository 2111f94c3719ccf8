using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Order.Messaging;

namespace FoodOrdering.Order.Sagas;

/// <summary>
/// CreateOrderSaga (the book's table 4.1), orchestrated: every step asks one participant on its command
/// channel and waits for the reply on create-order-saga-replies. Any refusal compensates the steps before
/// it in reverse and rejects the order with the reason. The diagram: Sagas/README.md.
/// <code>
/// step                    participant   command                   reply                          compensation
/// create order            Order         (OrderService.Create)                                    reject order
/// verify consumer         Consumer      ValidateOrderByConsumer   ConsumerVerified | ...Failed
/// create ticket           Kitchen       CreateTicket              TicketCreated | ...Failed      CancelCreateTicket
/// authorize card          Accounting    AuthorizeCard             CardAuthorized | ...Failed     (pivot)
/// confirm ticket          Kitchen       ConfirmCreateTicket       TicketCreationConfirmed        (retriable)
/// approve order           Order         (local)
/// notify consumer         Consumer      NotifyConsumer            (one-way: no reply)
/// </code>
/// A rejection notifies the consumer in "reject order" (OrderSagaActions).
/// </summary>
public sealed class CreateOrderSaga : SagaDefinition<CreateOrderSagaData>
{
    public CreateOrderSaga()
    {
        // OrderService.CreateAsync creates the APPROVAL_PENDING order in the transaction that starts this saga.
        Step("create order")
            .CompensateLocally<OrderSagaActions>((orders, data, reason) => orders.RejectAsync(data.OrderId, reason));
        Step("verify consumer")
            .Send(data => new ValidateOrderByConsumer(data.ConsumerId, data.OrderId, data.OrderTotal))
            .OnReply<ConsumerVerified>()
            .FailsOn<ConsumerVerificationFailed>(reply => reply.Reason);
        Step("create ticket")
            .Send(data => new CreateTicket(data.OrderId, data.RestaurantId, data.LineItems))
            .OnReply<TicketCreated>((data, reply) => data.TicketId = reply.TicketId)
            .FailsOn<TicketCreationFailed>(reply => $"ticket not created: {reply.Reason}")
            .Compensate(data => new CancelCreateTicket(data.OrderId, data.RestaurantId))
            .OnCompensated<TicketCreationCancelled>();
        Step("authorize card")
            .Send(data => new AuthorizeCard(data.ConsumerId, data.OrderId, data.OrderTotal))
            .OnReply<CardAuthorized>((data, reply) => data.AuthorizationId = reply.AuthorizationId)
            .FailsOn<CardAuthorizationFailed>(reply => $"card declined: {reply.Reason}");
        Step("confirm ticket")
            .Send(data => new ConfirmCreateTicket(data.OrderId))
            .OnReply<TicketCreationConfirmed>();
        Step("approve order")
            .Local<OrderSagaActions>((orders, data) => orders.ApproveAsync(data.OrderId, data.TicketId));
        Step("notify consumer")
            .Notify(data => OrderNotifications.Approved(data.ConsumerId, data.OrderId, data.OrderTotal));
    }

    public override string Name => "create-order";
}

/// <summary>What CreateOrderSaga remembers between steps (saga_instances.data).</summary>
public sealed class CreateOrderSagaData
{
    public required long OrderId { get; init; }
    public required long ConsumerId { get; init; }
    public required long RestaurantId { get; init; }
    public required IReadOnlyList<TicketLineItem> LineItems { get; init; }
    public required string OrderTotal { get; init; }

    /// <summary>From TicketCreated.</summary>
    public long? TicketId { get; set; }

    /// <summary>From CardAuthorized.</summary>
    public long? AuthorizationId { get; set; }
}
