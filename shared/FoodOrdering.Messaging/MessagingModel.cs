using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging;

/// <summary>Maps the messaging tables (the messaging track, Schema/*.sql) into a service's own DbContext.</summary>
public static class MessagingModel
{
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox");
            outbox.HasKey(m => m.Position);
            outbox.Property(m => m.Position).HasColumnName("position").ValueGeneratedOnAdd();
            outbox.Property(m => m.Id).HasColumnName("id");
            outbox.Property(m => m.Channel).HasColumnName("channel");
            outbox.Property(m => m.MessageType).HasColumnName("message_type");
            outbox.Property(m => m.SchemaVersion).HasColumnName("schema_version");
            outbox.Property(m => m.MessageKey).HasColumnName("message_key");
            outbox.Property(m => m.CorrelationId).HasColumnName("correlation_id");
            outbox.Property(m => m.ReplyChannel).HasColumnName("reply_channel");
            outbox.Property(m => m.Payload).HasColumnName("payload");
            outbox.Property(m => m.Headers).HasColumnName("headers").HasColumnType("jsonb");
            outbox.Property(m => m.CreatedAt).HasColumnName("created_at").ValueGeneratedOnAdd();
            outbox.Property(m => m.SentAt).HasColumnName("sent_at");
            outbox.Property(m => m.FailedAt).HasColumnName("failed_at");
            outbox.Property(m => m.FailureReason).HasColumnName("failure_reason");
        });
        modelBuilder.Entity<ProcessedMessage>(inbox =>
        {
            inbox.ToTable("processed_messages");
            inbox.HasKey(m => new { m.Handler, m.MessageId });
            inbox.Property(m => m.Handler).HasColumnName("handler");
            inbox.Property(m => m.MessageId).HasColumnName("message_id");
            inbox.Property(m => m.ProcessedAt).HasColumnName("processed_at").ValueGeneratedOnAdd();
        });
        return modelBuilder;
    }

    /// <summary>The saga instances, for a service that orchestrates sagas (besides <see cref="AddOutboxAndInbox"/>).</summary>
    public static ModelBuilder AddSagaInstances(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SagaInstance>(saga =>
        {
            saga.ToTable("saga_instances");
            saga.HasKey(s => s.Id);
            saga.Property(s => s.Id).HasColumnName("id");
            saga.Property(s => s.SagaType).HasColumnName("saga_type");
            saga.Property(s => s.Key).HasColumnName("saga_key");
            saga.Property(s => s.Step).HasColumnName("step");
            saga.Property(s => s.Status).HasColumnName("status").HasConversion<string>();
            saga.Property(s => s.Data).HasColumnName("data").HasColumnType("jsonb");
            saga.Property(s => s.FailureReason).HasColumnName("failure_reason");
            saga.Property(s => s.Version).HasColumnName("version").IsConcurrencyToken();
            saga.Property(s => s.CreatedAt).HasColumnName("created_at").ValueGeneratedOnAdd();
            saga.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        });
        return modelBuilder;
    }
}
