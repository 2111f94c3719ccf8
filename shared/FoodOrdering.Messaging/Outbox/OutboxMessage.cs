namespace FoodOrdering.Messaging.Outbox;

/// <summary>
/// One row of the transactional outbox (chapter 3, "transactional outbox"): a message waiting to be
/// published, written in the same database transaction as the business change that caused it.
/// Its <see cref="Id"/> becomes the broker message id, which is what consumers deduplicate on.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>
    /// Assigned by the database under a per-key lock, so one key's positions follow its commit order
    /// (Schema/0002): the relays publish one key's messages in this order.
    /// </summary>
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

    /// <summary>The message body as JSON: published exactly as stored, never re-serialised by the relay.</summary>
    public required string Payload { get; init; }

    /// <summary>
    /// More transport headers, as a JSON object of strings, published as they are: MassTransit's message
    /// type URN (which tells the receiving MassTransit which consumer gets the message) and the W3C trace context.
    /// </summary>
    public string Headers { get; init; } = "{}";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the broker confirmed the publish; null while waiting.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set when the relay found the row can never be published (see <see cref="FailureReason"/>); it is then skipped.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    public string? FailureReason { get; set; }
}
