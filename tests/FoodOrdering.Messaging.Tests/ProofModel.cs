using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Tests;

/// <summary>The business effect the proofs assert on: one row per processed message, in processing order.</summary>
public sealed class ReceivedMessage
{
    public long Id { get; init; }
    public required Guid MessageId { get; init; }
    public required string MessageKey { get; init; }
    public required int Sequence { get; init; }

    /// <summary>Which consumer instance processed it (competing consumers).</summary>
    public required string Consumer { get; init; }
}

/// <summary>A service's DbContext in miniature: its business table plus the outbox and inbox.</summary>
public sealed class ProofDbContext(DbContextOptions<ProofDbContext> options) : DbContext(options)
{
    public DbSet<ReceivedMessage> ReceivedMessages => Set<ReceivedMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<ReceivedMessage>(received =>
        {
            received.ToTable("received_messages");
            received.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
            received.Property(r => r.MessageId).HasColumnName("message_id");
            received.Property(r => r.MessageKey).HasColumnName("message_key");
            received.Property(r => r.Sequence).HasColumnName("sequence");
            received.Property(r => r.Consumer).HasColumnName("consumer");
        });
    }
}

/// <summary>The name of one consumer instance (one "process" of a service).</summary>
public sealed record ConsumerInstance(string Name);

/// <summary>The handler under test: records each message; throws on poison.</summary>
public sealed class RecordingHandler(ProofDbContext db, ConsumerInstance instance) : IMessageHandler<ProofEvent>, IMessageHandler<ProofCommand>
{
    public static string Name => "proof.recording";

    public Task HandleAsync(IncomingMessage<ProofEvent> message, CancellationToken cancellationToken) =>
        Record(message, message.Body.Key, message.Body.Sequence);

    public Task HandleAsync(IncomingMessage<ProofCommand> message, CancellationToken cancellationToken) =>
        Record(message, message.Body.Key, message.Body.Sequence);

    private Task Record(IncomingMessage message, string key, int sequence)
    {
        if (sequence < 0)
        {
            throw new InvalidOperationException($"Poison message for key {key}");
        }
        db.ReceivedMessages.Add(new ReceivedMessage { MessageId = message.MessageId, MessageKey = key, Sequence = sequence, Consumer = instance.Name });
        return Task.CompletedTask;
    }
}
