namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// The shape of every message handler in business code: it changes the service's DbContext and may
/// write replies or events to the <see cref="Outbox.TransactionalOutbox"/>. It never commits and never
/// talks to the broker: <see cref="IdempotentConsumer{TMessage, THandler}"/> runs it inside one
/// transaction together with the inbox row, and throwing rolls everything back (then retries apply).
/// </summary>
public interface IMessageHandler<TMessage>
    where TMessage : class
{
    Task HandleAsync(IncomingMessage<TMessage> message, CancellationToken cancellationToken);
}
