namespace FoodOrdering.Messaging.Outbox;

/// <summary>
/// One row of the transactional outbox (chapter 3, "transactional outbox"): a message waiting to be
/// published, written in the same database transaction as the business change that caused it.
/// Its <see cref="Id"/> becomes the broker message id, which is what consumers deduplicate on.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order, assigned by the database: the relay publishes in this order.</summary>
    public long Position { get; init; }

    public required Guid Id { get; init; }

    /// <summary>The channel (exchange) to publish on: a command, reply or event channel.</summary>
    public required string Channel { get; init; }

    public required string MessageType { get; init; }
    public required int SchemaVersion { get; init; }

    /// <summary>The ordering key (aggregate id): messages with one key are delivered in order.</summary>
    public required string MessageKey { get; init; }

    public required Guid CorrelationId { get; init; }
    public string? ReplyChannel { get; init; }

    /// <summary>The message body as JSON.</summary>
    public required string Payload { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set once the broker confirmed the publish; null while waiting.</summary>
    public DateTimeOffset? SentAt { get; set; }
}
