using FoodOrdering.Consumer.Domain;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Consumer.Messaging;

/// <summary>
/// Step "validate order by consumer" of CreateOrderSaga, asynchronous request/response (chapter 3): replies
/// ConsumerVerified, or ConsumerVerificationFailed with the reason (unknown consumer, total over the
/// consumer's order limit), on the reply channel the command names, with its correlation id. A refusal is
/// a reply, never an exception: the saga decides what to do with it. It changes nothing, so a repeated
/// command simply gets the answer that holds now.
/// </summary>
public sealed class ValidateOrderByConsumerHandler(ConsumerDbContext db, TransactionalOutbox outbox) : IMessageHandler<ValidateOrderByConsumer>
{
    public static string Name => "consumer.validate-order-by-consumer";

    public async Task HandleAsync(IncomingMessage<ValidateOrderByConsumer> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        if (!Money.TryParse(command.OrderTotal, out var orderTotal))
        {
            Refuse($"The order total '{command.OrderTotal}' is not an amount of money such as \"12.34\".");
            return;
        }
        var consumer = await db.Consumers.FindAsync([command.ConsumerId], cancellationToken);
        if (consumer is null)
        {
            Refuse($"Unknown consumer {command.ConsumerId}.");
            return;
        }
        try
        {
            consumer.ValidateOrderByConsumer(orderTotal);
        }
        catch (OrderLimitExceededException e)
        {
            Refuse(e.Message);
            return;
        }
        outbox.Reply(new ConsumerVerified(command.ConsumerId, command.OrderId), message);

        void Refuse(string reason) => outbox.Reply(new ConsumerVerificationFailed(command.ConsumerId, command.OrderId, reason), message);
    }
}
