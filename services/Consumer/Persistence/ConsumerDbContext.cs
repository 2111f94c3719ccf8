using FoodOrdering.Consumer.Domain;
using FoodOrdering.Domain;
using FoodOrdering.Messaging;
using Microsoft.EntityFrameworkCore;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;

namespace FoodOrdering.Consumer.Persistence;

/// <summary>
/// The Consumer service's own database (database-per-service). The schema is created by the SQL
/// files in Persistence/Migrations; this mapping only says which column is which.
/// </summary>
public sealed class ConsumerDbContext(DbContextOptions<ConsumerDbContext> options) : DbContext(options)
{
    public DbSet<ConsumerAggregate> Consumers => Set<ConsumerAggregate>();
    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The transactional outbox and the inbox live in the service's own database, next to its aggregates.
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<ConsumerAggregate>(consumer =>
        {
            consumer.ToTable("consumers");
            consumer.HasKey(c => c.Id);
            consumer.Property(c => c.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            consumer.OwnsOne(c => c.Name, name =>
            {
                name.Property(n => n.FirstName).HasColumnName("first_name");
                name.Property(n => n.LastName).HasColumnName("last_name");
            });
            consumer.Property(c => c.OrderLimit).HasColumnName("order_limit")
                .HasConversion(money => money.Amount, amount => new Money(amount));
        });
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.Property(n => n.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            notification.Property(n => n.ConsumerId).HasColumnName("consumer_id");
            notification.Property(n => n.OrderId).HasColumnName("order_id");
            notification.Property(n => n.Subject).HasColumnName("subject");
            notification.Property(n => n.Text).HasColumnName("text");
            notification.Property(n => n.ReceivedAt).HasColumnName("received_at");
        });
    }
}
