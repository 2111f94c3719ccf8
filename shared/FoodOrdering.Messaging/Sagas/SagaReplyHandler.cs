using FoodOrdering.Messaging.Inbox;

namespace FoodOrdering.Messaging.Sagas;

/// <summary>
/// The consumer of one reply type on a saga's reply channel: it hands the reply to the saga's orchestrator,
/// inside the inbox transaction (<see cref="IdempotentConsumer{TMessage, THandler}"/>). Registered by
/// <see cref="MessagingBuilder.AddSaga{TSaga, TData}"/> for every reply type the definition waits for.
/// </summary>
public sealed class SagaReplyHandler<TSaga, TData, TReply>(SagaOrchestrator<TSaga, TData> orchestrator) : IMessageHandler<TReply>
    where TSaga : SagaDefinition<TData>
    where TData : class
    where TReply : class
{
    /// <summary>The inbox name: one per saga and reply type.</summary>
    public static string Name => $"saga.{typeof(TSaga).Name}.{typeof(TReply).Name}";

    public Task HandleAsync(IncomingMessage<TReply> message, CancellationToken cancellationToken) =>
        orchestrator.HandleReplyAsync(message, cancellationToken);
}
