namespace FoodOrdering.Consumer.Domain;

/// <summary>
/// A one-way notification the consumer received (NotifyConsumer: an order's outcome). Nobody waits for an
/// answer; the consumer reads them at GET /v1/consumers/{consumerId}/notifications.
/// </summary>
public sealed class Notification
{
    private Notification()
    {
        Subject = null!;
        Text = null!;
    }

    public Notification(long consumerId, long orderId, string subject, string text, DateTimeOffset receivedAt)
    {
        ConsumerId = consumerId;
        OrderId = orderId;
        Subject = subject;
        Text = text;
        ReceivedAt = receivedAt;
    }

    public long Id { get; private set; }
    public long ConsumerId { get; private set; }
    public long OrderId { get; private set; }
    public string Subject { get; private set; }
    public string Text { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }

    /// <summary>The same news again (a retry of the sender with a new message id): recorded once.</summary>
    public bool SaysTheSameAs(long orderId, string subject, string text) => OrderId == orderId && Subject == subject && Text == text;
}
