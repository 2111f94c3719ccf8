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
    /// <summary>
    /// The name the inbox records this handler's processed messages under (processed_messages.handler),
    /// e.g. "accounting.open-account". It must stay the same for as long as a message may be redelivered:
    /// renaming the class changes nothing, renaming this makes the handler forget what it processed.
    /// Unique per service (checked at start-up).
    /// </summary>
    static abstract string Name { get; }

    Task HandleAsync(IncomingMessage<TMessage> message, CancellationToken cancellationToken);
}
