using FoodOrdering.Consumer.Domain;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Messaging.Inbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Consumer.Messaging;

/// <summary>
/// A one-way notification (chapter 3): NotifyConsumer arrives on the same command channel as the
/// request/response ValidateOrderByConsumer, but names no reply channel, and this handler sends nothing
/// back. It records the notification for the consumer to read (GET /v1/consumers/{id}/notifications).
/// The same news twice (a sender's retry with a new message id) is recorded once; a notification for a
/// consumer who does not exist has nobody to reach and is logged and dropped.
/// </summary>
public sealed class NotifyConsumerHandler(ConsumerDbContext db, ILogger<NotifyConsumerHandler> logger) : IMessageHandler<NotifyConsumer>
{
    public static string Name => "consumer.notify-consumer";

    public async Task HandleAsync(IncomingMessage<NotifyConsumer> message, CancellationToken cancellationToken)
    {
        var (consumerId, orderId, subject, text) = message.Body;
        if (await db.Consumers.FindAsync([consumerId], cancellationToken) is null)
        {
            logger.LogWarning("NotifyConsumer {MessageId} for unknown consumer {ConsumerId} (order {OrderId}) dropped", message.MessageId, consumerId, orderId);
            return;
        }
        var received = await db.Notifications.Where(n => n.ConsumerId == consumerId && n.OrderId == orderId).ToListAsync(cancellationToken);
        if (received.Any(n => n.SaysTheSameAs(orderId, subject, text)))
        {
            return;
        }
        db.Notifications.Add(new Notification(consumerId, orderId, subject, text, DateTimeOffset.UtcNow));
    }
}
