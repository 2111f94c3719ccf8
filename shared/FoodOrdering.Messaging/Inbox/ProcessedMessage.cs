namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// One row of the inbox (chapter 3, "handling duplicate messages"): handler H has processed message M.
/// Inserted in the same transaction as H's business change, so a redelivered M is skipped.
/// </summary>
public sealed class ProcessedMessage
{
    public required string Handler { get; init; }
    public required Guid MessageId { get; init; }
    public DateTimeOffset ProcessedAt { get; init; }
}
