using FoodOrdering.Messaging.Inbox;
using FoodOrdering.RelayBenchmark;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Tests;

/// <summary>The business effect the proofs assert on: one row per processed message, in processing order.</summary>
public sealed class ReceivedMessage
{
    public long Id { get; init; }
    public required Guid MessageId { get; init; }
    public required string MessageKey { get; init; }
    public required int Sequence { get; init; }
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
        });
    }
}

/// <summary>The handler under test: records each message; throws on poison.</summary>
public sealed class RecordingHandler(ProofDbContext db) : IMessageHandler<ProofEvent>
{
    public Task HandleAsync(IncomingMessage<ProofEvent> message, CancellationToken cancellationToken)
    {
        if (message.Body.Sequence < 0)
        {
            throw new InvalidOperationException($"Poison message for key {message.Body.Key}");
        }
        db.ReceivedMessages.Add(new ReceivedMessage { MessageId = message.MessageId, MessageKey = message.Body.Key, Sequence = message.Body.Sequence });
        return Task.CompletedTask;
    }
}
