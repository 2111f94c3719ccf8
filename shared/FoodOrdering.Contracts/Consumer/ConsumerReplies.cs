namespace FoodOrdering.Contracts.Consumer;

/// <summary>ValidateOrderByConsumer: the consumer exists and the total is within their order limit.</summary>
[Message(MessageKind.Reply)]
public sealed record ConsumerVerified(long ConsumerId, long OrderId);

/// <summary>ValidateOrderByConsumer refused: unknown consumer, or the total exceeds the consumer's order limit (the reason says which).</summary>
[Message(MessageKind.Reply)]
public sealed record ConsumerVerificationFailed(long ConsumerId, long OrderId, string Reason);
