namespace FoodOrdering.Contracts.Consumer;

// The Consumer service's command channel carries both interaction styles of chapter 3: a request/response
// command (ValidateOrderByConsumer, answered on the reply channel it names) and a one-way notification
// (NotifyConsumer, never answered).

/// <summary>
/// Step "validate order by consumer" of CreateOrderSaga and ReviseOrderSaga: may this consumer place an
/// order of this total? Replies ConsumerVerified or ConsumerVerificationFailed. The total is money as a
/// decimal string ("12.34").
/// </summary>
[Message(MessageKind.Command, Channels.ConsumerServiceCommands)]
public sealed record ValidateOrderByConsumer(long ConsumerId, long OrderId, string OrderTotal);

/// <summary>
/// A one-way notification: an order's outcome, for the consumer to read. Nobody waits for an answer, so
/// the command names no reply channel and the Consumer service sends none.
/// </summary>
[Message(MessageKind.Command, Channels.ConsumerServiceCommands)]
public sealed record NotifyConsumer(long ConsumerId, long OrderId, string Subject, string Text);
