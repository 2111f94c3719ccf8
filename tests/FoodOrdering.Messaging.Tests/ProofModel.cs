using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Tests;

/// <summary>The business effect the proofs assert on: one row per processed message, in processing order.</summary>
public sealed class ReceivedMessage
{
    public long Id { get; init; }
    public required Guid MessageId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required string MessageType { get; init; }
    public required string MessageKey { get; init; }
    public required int Sequence { get; init; }

    /// <summary>Which consumer instance processed it (competing consumers).</summary>
    public required string Consumer { get; init; }
}

/// <summary>A service's DbContext in miniature: its business table plus the outbox and inbox.</summary>
public sealed class ProofDbContext(DbContextOptions<ProofDbContext> options) : DbContext(options)
{
    public DbSet<ReceivedMessage> ReceivedMessages => Set<ReceivedMessage>();
    public DbSet<ProofOrder> ProofOrders => Set<ProofOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox().AddSagaInstances();
        modelBuilder.Entity<ProofOrder>(order =>
        {
            order.ToTable("proof_orders");
            order.HasKey(o => o.OrderKey);
            order.Property(o => o.OrderKey).HasColumnName("order_key");
            order.Property(o => o.Amount).HasColumnName("amount");
            order.Property(o => o.State).HasColumnName("state");
            order.Property(o => o.TrackingNumber).HasColumnName("tracking_number");
            order.Property(o => o.Reason).HasColumnName("reason");
        });
        modelBuilder.Entity<ReceivedMessage>(received =>
        {
            received.ToTable("received_messages");
            received.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
            received.Property(r => r.MessageId).HasColumnName("message_id");
            received.Property(r => r.CorrelationId).HasColumnName("correlation_id");
            received.Property(r => r.MessageType).HasColumnName("message_type");
            received.Property(r => r.MessageKey).HasColumnName("message_key");
            received.Property(r => r.Sequence).HasColumnName("sequence");
            received.Property(r => r.Consumer).HasColumnName("consumer");
        });
    }
}

/// <summary>The name of one consumer instance (one "process" of a service), and how long its handler dawdles.</summary>
public sealed record ConsumerInstance(string Name, TimeSpan HandlingTime = default);

/// <summary>The handler under test: records each message; throws on poison (a negative sequence).</summary>
public sealed class RecordingHandler(ProofDbContext db, ConsumerInstance instance)
    : IMessageHandler<ProofEvent>, IMessageHandler<ProofCommand>, IMessageHandler<ProofRequest>, IMessageHandler<ProofReply>
{
    public static string Name => "proof.recording";

    public Task HandleAsync(IncomingMessage<ProofEvent> message, CancellationToken cancellationToken) =>
        RecordAsync(message, message.Body.Key, message.Body.Sequence, cancellationToken);

    public Task HandleAsync(IncomingMessage<ProofCommand> message, CancellationToken cancellationToken) =>
        RecordAsync(message, message.Body.Key, message.Body.Sequence, cancellationToken);

    public Task HandleAsync(IncomingMessage<ProofRequest> message, CancellationToken cancellationToken) =>
        RecordAsync(message, message.Body.Key, message.Body.Sequence, cancellationToken);

    public Task HandleAsync(IncomingMessage<ProofReply> message, CancellationToken cancellationToken) =>
        RecordAsync(message, message.Body.Key, message.Body.Sequence, cancellationToken);

    private async Task RecordAsync(IncomingMessage message, string key, int sequence, CancellationToken cancellationToken)
    {
        if (sequence < 0)
        {
            throw new InvalidOperationException($"Poison message for key {key}");
        }
        if (instance.HandlingTime > TimeSpan.Zero)
        {
            await Task.Delay(instance.HandlingTime, cancellationToken); // a slow instance, to tempt competing consumers into reordering
        }
        db.ReceivedMessages.Add(new ReceivedMessage
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            MessageType = message.MessageType,
            MessageKey = key,
            Sequence = sequence,
            Consumer = instance.Name,
        });
    }
}

/// <summary>
/// A participant in asynchronous request/response: answers a <see cref="ProofRequest"/> on its reply
/// channel. A negative sequence makes it write an event to the outbox and then throw: nothing of it may leave.
/// </summary>
public sealed class ResponderHandler(TransactionalOutbox outbox) : IMessageHandler<ProofRequest>
{
    public static string Name => "proof.responder";

    public Task HandleAsync(IncomingMessage<ProofRequest> message, CancellationToken cancellationToken)
    {
        if (message.Body.Sequence < 0)
        {
            outbox.Publish(new ProofEvent(message.Body.Key, message.Body.Sequence), message.Body.Key);
            outbox.Reply(new ProofReply(message.Body.Key, message.Body.Sequence), message);
            throw new InvalidOperationException($"Responder failed after writing to the outbox, for key {message.Body.Key}");
        }
        outbox.Reply(new ProofReply(message.Body.Key, message.Body.Sequence * 10), message);
        return Task.CompletedTask;
    }
}
