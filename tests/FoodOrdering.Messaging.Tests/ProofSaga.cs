using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Testing;

namespace FoodOrdering.Messaging.Tests;

/// <summary>The proof saga's aggregate: an order the saga approves or rejects.</summary>
public sealed class ProofOrder
{
    public required string OrderKey { get; init; }
    public required int Amount { get; init; }
    public string State { get; set; } = "PENDING";
    public string? TrackingNumber { get; set; }
    public string? Reason { get; set; }
}

public sealed class ProofOrderData
{
    public string OrderKey { get; set; } = "";
    public int Amount { get; set; }
    public string? TrackingNumber { get; set; }
}

/// <summary>
/// A saga shaped like CreateOrderSaga, with made-up participants: reserve credit (compensated by
/// releasing it), ship, then approve locally and notify one-way. An amount over 100 is refused by credit,
/// 13 by shipping, and 7 by the local approval (a domain rule): every way a saga can fail.
/// </summary>
public sealed class ProofOrderSaga : SagaDefinition<ProofOrderData>
{
    public override string Name => "proof-order";

    public ProofOrderSaga()
    {
        Step("create order")
            .CompensateLocally<ProofDbContext>((db, data, reason) => ProofOrders.RejectAsync(db, data, reason));
        Step("reserve credit")
            .Send(data => new ReserveProofCredit(data.OrderKey, data.Amount))
            .OnReply<ProofCreditReserved>()
            .FailsOn<ProofCreditRefused>(reply => reply.Reason)
            .Compensate(data => new ReleaseProofCredit(data.OrderKey))
            .OnCompensated<ProofCreditReleased>();
        Step("ship order")
            .Send(data => new ShipProofOrder(data.OrderKey, data.Amount))
            .OnReply<ProofOrderShipped>((data, reply) => data.TrackingNumber = reply.TrackingNumber)
            .FailsOn<ProofShippingRefused>(reply => reply.Reason);
        Step("approve order")
            .Local<ProofDbContext>(ProofOrders.ApproveAsync);
        Step("notify customer")
            .Notify(data => new ProofOrderNotification(data.OrderKey, "approved"));
    }
}

/// <summary>The proof saga's local steps (in a service: its domain service).</summary>
public static class ProofOrders
{
    public static async Task ApproveAsync(ProofDbContext db, ProofOrderData data)
    {
        var order = await db.ProofOrders.FindAsync(data.OrderKey) ?? throw new InvalidOperationException($"No order {data.OrderKey}");
        if (order.Amount == 7)
        {
            throw new DomainException("seven is an unlucky amount");
        }
        order.State = "APPROVED";
        order.TrackingNumber = data.TrackingNumber;
    }

    public static async Task RejectAsync(ProofDbContext db, ProofOrderData data, string reason)
    {
        var order = await db.ProofOrders.FindAsync(data.OrderKey) ?? throw new InvalidOperationException($"No order {data.OrderKey}");
        order.State = "REJECTED";
        order.Reason = reason;
    }
}

/// <summary>The credit participant: records each command it handles and answers it.</summary>
public sealed class ProofCreditHandler(ProofDbContext db, TransactionalOutbox outbox)
    : IMessageHandler<ReserveProofCredit>, IMessageHandler<ReleaseProofCredit>
{
    public static string Name => "proof.credit";

    public Task HandleAsync(IncomingMessage<ReserveProofCredit> message, CancellationToken cancellationToken)
    {
        Record(db, message, message.Body.OrderKey);
        object reply = message.Body.Amount > 100
            ? new ProofCreditRefused(message.Body.OrderKey, "credit limit exceeded")
            : new ProofCreditReserved(message.Body.OrderKey);
        outbox.Reply(reply, message);
        return Task.CompletedTask;
    }

    public Task HandleAsync(IncomingMessage<ReleaseProofCredit> message, CancellationToken cancellationToken)
    {
        Record(db, message, message.Body.OrderKey);
        outbox.Reply(new ProofCreditReleased(message.Body.OrderKey), message);
        return Task.CompletedTask;
    }

    public static void Record(ProofDbContext db, IncomingMessage message, string key) =>
        db.ReceivedMessages.Add(new ReceivedMessage
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            MessageType = message.MessageType,
            MessageKey = key,
            Sequence = 0,
            Consumer = message.ReplyChannel ?? "",
        });
}

/// <summary>The shipping participant.</summary>
public sealed class ProofShippingHandler(ProofDbContext db, TransactionalOutbox outbox) : IMessageHandler<ShipProofOrder>
{
    public static string Name => "proof.shipping";

    public Task HandleAsync(IncomingMessage<ShipProofOrder> message, CancellationToken cancellationToken)
    {
        ProofCreditHandler.Record(db, message, message.Body.OrderKey);
        object reply = message.Body.Amount == 13
            ? new ProofShippingRefused(message.Body.OrderKey, "no courier")
            : new ProofOrderShipped(message.Body.OrderKey, $"T-{message.Body.OrderKey}");
        outbox.Reply(reply, message);
        return Task.CompletedTask;
    }
}

/// <summary>The receiver of the one-way notification: records it, answers nothing.</summary>
public sealed class ProofNotificationHandler(ProofDbContext db) : IMessageHandler<ProofOrderNotification>
{
    public static string Name => "proof.notification";

    public Task HandleAsync(IncomingMessage<ProofOrderNotification> message, CancellationToken cancellationToken)
    {
        ProofCreditHandler.Record(db, message, message.Body.OrderKey);
        return Task.CompletedTask;
    }
}
