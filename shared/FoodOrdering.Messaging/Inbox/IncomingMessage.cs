namespace FoodOrdering.Messaging.Inbox;

/// <summary>What a handler knows about the message it handles, besides the body: its headers.</summary>
public record IncomingMessage(Guid MessageId, Guid CorrelationId, string MessageType, int SchemaVersion, string Key, string? ReplyChannel)
{
    /// <summary>When the sender committed it to its outbox (header ftgo-created-at), if it says: how far behind the receiver is.</summary>
    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>A message with its typed body.</summary>
public sealed record IncomingMessage<TMessage>(TMessage Body, Guid MessageId, Guid CorrelationId, string MessageType, int SchemaVersion, string Key, string? ReplyChannel)
    : IncomingMessage(MessageId, CorrelationId, MessageType, SchemaVersion, Key, ReplyChannel);
