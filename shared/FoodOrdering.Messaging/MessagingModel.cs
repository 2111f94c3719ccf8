using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging;

/// <summary>Maps the outbox and inbox tables (the messaging track, Schema/*.sql) into a service's own DbContext.</summary>
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
}
