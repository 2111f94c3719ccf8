using System.Text.Json;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FoodOrdering.Kitchen.Persistence;

/// <summary>
/// The Kitchen service's own database (database-per-service). The schema is created by the SQL files in
/// Persistence/Migrations; this mapping only says which column is which.
/// </summary>
public sealed class KitchenDbContext(DbContextOptions<KitchenDbContext> options) : DbContext(options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DbSet<Restaurant> Restaurants => Set<Restaurant>();
    public DbSet<Ticket> Tickets => Set<Ticket>();

    /// <summary>
    /// The order's ticket, locked (SELECT ... FOR UPDATE) until the caller's transaction ends: a saga
    /// command and a kitchen action on one ticket never overwrite each other's change.
    /// </summary>
    public Task<Ticket?> LockTicketOfOrderAsync(long orderId, CancellationToken cancellationToken) =>
        Tickets.FromSql($"SELECT * FROM tickets WHERE order_id = {orderId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    /// <summary>The ticket, locked until the caller's transaction ends (see <see cref="LockTicketOfOrderAsync"/>).</summary>
    public Task<Ticket?> LockTicketAsync(long ticketId, CancellationToken cancellationToken) =>
        Tickets.FromSql($"SELECT * FROM tickets WHERE id = {ticketId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    /// <summary>The restaurant, locked until the caller's transaction ends (menu revisions one after the other).</summary>
    public Task<Restaurant?> LockRestaurantAsync(long restaurantId, CancellationToken cancellationToken) =>
        Restaurants.FromSql($"SELECT * FROM restaurants WHERE id = {restaurantId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The transactional outbox and the inbox live in the service's own database, next to its aggregates.
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Restaurant>(restaurant =>
        {
            restaurant.ToTable("restaurants");
            restaurant.HasKey(r => r.Id);
            restaurant.Property(r => r.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            restaurant.Property(r => r.Name).HasColumnName("name");
            restaurant.OwnsOne(r => r.Address, address =>
            {
                address.Property(a => a.Street1).HasColumnName("street1");
                address.Property(a => a.Street2).HasColumnName("street2");
                address.Property(a => a.City).HasColumnName("city");
                address.Property(a => a.State).HasColumnName("state");
                address.Property(a => a.Zip).HasColumnName("zip");
            });
            AsJson(restaurant.Property(r => r.Menu).HasColumnName("menu_items"));
        });
        modelBuilder.Entity<Ticket>(ticket =>
        {
            ticket.ToTable("tickets");
            ticket.HasKey(t => t.Id);
            ticket.Property(t => t.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            ticket.Property(t => t.OrderId).HasColumnName("order_id");
            ticket.Property(t => t.RestaurantId).HasColumnName("restaurant_id");
            ticket.Property(t => t.State).HasColumnName("state")
                .HasConversion(state => state.ToWireName(), name => TicketStateNames.FromWireName(name));
            ticket.Property(t => t.PreviousState).HasColumnName("previous_state")
                .HasConversion(state => state!.Value.ToWireName(), name => TicketStateNames.FromWireName(name));
            AsJson(ticket.Property(t => t.LineItems).HasColumnName("line_items"));
            AsNullableJson(ticket.Property(t => t.RevisedLineItems).HasColumnName("revised_line_items"));
            ticket.Property(t => t.ReadyBy).HasColumnName("ready_by");
            ticket.Property(t => t.ReachedKitchen).HasColumnName("reached_kitchen");
            ticket.Ignore(t => t.IsCancelled);
        });
    }

    // A list of value objects as one jsonb value, compared by content for change tracking.
    private static void AsNullableJson<T>(PropertyBuilder<List<T>?> property) =>
        property.HasColumnType("jsonb").HasConversion(
            items => JsonSerializer.Serialize(items, Json),
            json => JsonSerializer.Deserialize<List<T>>(json, Json),
            new ValueComparer<List<T>?>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                items => JsonSerializer.Serialize(items, Json).GetHashCode(),
                items => items == null ? null : items.ToList()));

    private static void AsJson<T>(PropertyBuilder<List<T>> property) =>
        property.HasColumnType("jsonb").HasConversion(
            items => JsonSerializer.Serialize(items, Json),
            json => JsonSerializer.Deserialize<List<T>>(json, Json)!,
            new ValueComparer<List<T>>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                items => JsonSerializer.Serialize(items, Json).GetHashCode(),
                items => items.ToList()));
}
