using System.Text.Json;
using FoodOrdering.Contracts;
using FoodOrdering.Messaging.Inbox;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Outbox;

/// <summary>
/// The sending port of business code (chapter 3, "transactional outbox"). Send, Reply and Publish only
/// ADD an <see cref="OutboxMessage"/> to the service's DbContext: the message is stored by the same
/// SaveChanges, in the same transaction, as the business change. Nothing talks to the broker here;
/// the message relay publishes committed rows later. A rollback therefore loses the message with the
/// change, and a commit keeps both: no change without its message, no message without its change.
/// </summary>
public sealed class TransactionalOutbox(DbContext db)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Sends a command to the command channel of the service that handles it. The key orders the
    /// messages (commands with one key, e.g. the order id, are delivered in order); the reply channel is
    /// where the handler should reply (null for a one-way notification). Returns the message id.
    /// </summary>
    public Guid Send<TCommand>(TCommand command, string key, string? replyChannel = null, Guid? correlationId = null)
        where TCommand : class =>
        Send((object)command, key, replyChannel, correlationId);

    /// <summary>The same, for a command whose type is known at run time only (a saga step's).</summary>
    public Guid Send(object command, string key, string? replyChannel = null, Guid? correlationId = null) =>
        Add(command, MessageKind.Command, ChannelOf(command.GetType()), key, correlationId ?? Guid.NewGuid(), replyChannel);

    /// <summary>Replies to a command (or a query) on the reply channel it named, with its correlation id.</summary>
    public Guid Reply<TReply>(TReply reply, IncomingMessage command)
        where TReply : class =>
        Add(reply, MessageKind.Reply,
            command.ReplyChannel ?? throw new InvalidOperationException($"Message {command.MessageId} ({command.MessageType}) expects no reply."),
            command.Key, command.CorrelationId, replyChannel: null);

    /// <summary>Publishes a domain event on its aggregate's event channel; one aggregate's events are delivered in order.</summary>
    public Guid Publish<TEvent>(TEvent domainEvent, string aggregateId, Guid? correlationId = null)
        where TEvent : class =>
        Add(domainEvent, MessageKind.Event, ChannelOf(typeof(TEvent)), aggregateId, correlationId ?? Guid.NewGuid(), replyChannel: null);

    /// <summary>
    /// Publishes a query on its publish-subscribe channel (publish/async responses): every subscriber may
    /// answer with a <see cref="Reply"/> on <paramref name="replyChannel"/>, with <paramref name="correlationId"/>.
    /// </summary>
    public Guid PublishQuery<TQuery>(TQuery query, string key, string replyChannel, Guid correlationId)
        where TQuery : class =>
        Add(query, MessageKind.Query, ChannelOf(typeof(TQuery)), key, correlationId, replyChannel);

    private Guid Add(object message, MessageKind kind, string channel, string key, Guid correlationId, string? replyChannel)
    {
        var outboxMessage = NewMessage(message, kind, channel, key, correlationId, replyChannel);
        db.Set<OutboxMessage>().Add(outboxMessage);
        return outboxMessage.Id;
    }

    /// <summary>
    /// The row <see cref="Publish{TEvent}"/> would add, built but NOT added: what the lab's naive dual write
    /// (Labs/DualWriteLab) hands straight to the broker, so its message is exactly the one the relay would send.
    /// </summary>
    internal static OutboxMessage EventMessage(object domainEvent, string aggregateId) =>
        NewMessage(domainEvent, MessageKind.Event, ChannelOf(domainEvent.GetType()), aggregateId, Guid.NewGuid(), replyChannel: null,
            createdAt: DateTimeOffset.UtcNow);

    private static OutboxMessage NewMessage(object message, MessageKind kind, string channel, string key, Guid correlationId, string? replyChannel,
        DateTimeOffset createdAt = default)
    {
        var contract = MessageContracts.For(message.GetType());
        if (contract.Kind != kind)
        {
            throw new InvalidOperationException($"{contract.Name} is a {contract.Kind}, not a {kind}.");
        }

        return new OutboxMessage
        {
            Id = Guid.NewGuid(),
            Channel = channel,
            MessageType = contract.Name,
            SchemaVersion = contract.SchemaVersion,
            MessageKey = key,
            CorrelationId = correlationId,
            ReplyChannel = replyChannel,
            Payload = JsonSerializer.Serialize(message, message.GetType(), Json),
            Headers = JsonSerializer.Serialize(TransportHeaders(contract)),
            CreatedAt = createdAt, // default for a row: the database sets created_at
        };
    }

    /// <summary>
    /// Written now, while they are known, so the relay can publish the row without them: the .NET type's
    /// URN (the receiving MassTransit picks the consumer by it) and the trace this change belongs to.
    /// </summary>
    private static Dictionary<string, string> TransportHeaders(MessageContract contract)
    {
        var headers = new Dictionary<string, string> { [MassTransit.MessageHeaders.MessageType] = MessageUrn.ForTypeString(contract.Type) };
        MessagingTelemetry.Capture(headers);
        return headers;
    }

    private static string ChannelOf(Type messageType) =>
        MessageContracts.For(messageType).Channel
        ?? throw new InvalidOperationException($"{messageType.Name} names no channel in its [Message] attribute.");
}
