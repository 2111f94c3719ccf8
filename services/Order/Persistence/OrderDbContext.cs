using System.Text.Json;
using System.Text.Json.Serialization;
using FoodOrdering.Messaging;
using FoodOrdering.Order.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Persistence;

/// <summary>
/// The Order service's own database (database-per-service): orders, the menu replica, idempotency keys,
/// and the messaging tables (outbox, inbox, saga instances) next to them, so an order, its saga's progress
/// and the commands the saga sends are saved in one local transaction. The schema is created by the SQL
/// files in Persistence/Migrations; this mapping only says which column is which.
/// </summary>
public sealed class OrderDbContext(DbContextOptions<OrderDbContext> options) : DbContext(options)
{
    // States by their wire name ("APPROVED"), as in the state column.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter<OrderState>(JsonNamingPolicy.SnakeCaseUpper) },
    };

    public DbSet<OrderAggregate> Orders => Set<OrderAggregate>();
    public DbSet<Restaurant> Restaurants => Set<Restaurant>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddSagaInstances();
        modelBuilder.HasSequence<long>("order_ids").IncrementsBy(10);
        modelBuilder.Entity<OrderAggregate>(order =>
        {
            order.ToTable("orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).HasColumnName("id").UseHiLo("order_ids");
            order.Property(o => o.ConsumerId).HasColumnName("consumer_id");
            order.Property(o => o.RestaurantId).HasColumnName("restaurant_id");
            order.Property(o => o.State).HasColumnName("state").HasConversion(state => state.Name(), name => OrderStates.Parse(name));
            AsJson(order.Property(o => o.LineItems).HasColumnName("line_items"));
            AsJson(order.Property(o => o.Delivery).HasColumnName("delivery"));
            order.Property(o => o.RejectionReason).HasColumnName("rejection_reason");
            AsJson(order.Property(o => o.PendingRevision).HasColumnName("pending_revision"));
            order.Property(o => o.RefusalReason).HasColumnName("refusal_reason");
            AsJson(order.Property(o => o.StateHistory).HasColumnName("state_history"));
            order.Property(o => o.TicketId).HasColumnName("ticket_id");
            order.Property(o => o.Version).HasColumnName("version").IsConcurrencyToken();
            order.Ignore(o => o.OrderTotal);
        });
        modelBuilder.Entity<Restaurant>(restaurant =>
        {
            restaurant.ToTable("restaurants");
            restaurant.HasKey(r => r.Id);
            restaurant.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
            restaurant.Property(r => r.Name).HasColumnName("name");
            AsJson(restaurant.Property(r => r.MenuItems).HasColumnName("menu_items"));
        });
        modelBuilder.Entity<IdempotencyKey>(key =>
        {
            key.ToTable("idempotency_keys");
            key.HasKey(k => k.Key);
            key.Property(k => k.Key).HasColumnName("key");
            key.Property(k => k.Fingerprint).HasColumnName("fingerprint");
            key.Property(k => k.OrderId).HasColumnName("order_id");
            // So EF Core inserts the order before its key (the foreign key orders them).
            key.HasOne<OrderAggregate>().WithMany().HasForeignKey(k => k.OrderId);
        });
    }

    /// <summary>A value of the aggregate stored as one jsonb column (compared by its JSON, so a change is seen).</summary>
    private static void AsJson<T>(PropertyBuilder<T> property) =>
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Json),
            json => JsonSerializer.Deserialize<T>(json, Json)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                value => JsonSerializer.Serialize(value, Json).GetHashCode(StringComparison.Ordinal),
                value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!));
}

/// <summary>An Idempotency-Key a POST /v1/orders used, and the order it created.</summary>
public sealed class IdempotencyKey
{
    public required string Key { get; init; }
    public required string Fingerprint { get; init; }
    public required long OrderId { get; init; }
}
