namespace FoodOrdering.Messaging;

/// <summary>
/// The headers every message carries besides MassTransit's own MessageId and CorrelationId (chapter 3,
/// "messages": a header of name-value pairs and a body). Readable in the RabbitMQ management UI.
/// </summary>
public static class MessageHeaders
{
    /// <summary>The contract name, e.g. "ConsumerCreated" (independent of .NET namespaces).</summary>
    public const string MessageType = "ftgo-message-type";

    /// <summary>The contract's schema version, so a consumer can tell an old shape from a new one.</summary>
    public const string SchemaVersion = "ftgo-schema-version";

    /// <summary>Where the reply to a command goes (asynchronous request/response).</summary>
    public const string ReplyChannel = "ftgo-reply-channel";

    /// <summary>The key that orders messages (the aggregate id): one key's messages are consumed in order.</summary>
    public const string MessageKey = "ftgo-message-key";

    /// <summary>When the message was committed to the sender's outbox (ISO 8601): lets a receiver measure how far behind it is.</summary>
    public const string CreatedAt = "ftgo-created-at";
}
