using MassTransit;

namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// The MassTransit adapter for a reply to a query (publish/async responses, see
/// <see cref="MessagingBuilder.HandleQueryReply{TReply, THandler}"/>): it hands the reply to its handler
/// with the headers, and that is all. No transaction and no processed_messages row, unlike
/// <see cref="IdempotentConsumer{TMessage, THandler}"/>: queries are read-only, their replies change no
/// data but a request waiting in memory, which keeps the first answer of each part and drops the rest
/// (duplicates, and late replies whose request has already answered).
/// </summary>
public sealed class QueryReplyConsumer<TMessage, THandler>(THandler handler) : IConsumer<TMessage>
    where TMessage : class
    where THandler : IMessageHandler<TMessage>
{
    public Task Consume(ConsumeContext<TMessage> context) =>
        handler.HandleAsync(IdempotentConsumer<TMessage, THandler>.ReadHeaders(context), context.CancellationToken);
}
