using FoodOrdering.ServiceDefaults;

namespace FoodOrdering.Kitchen.Persistence;

/// <summary>A ticket was changed (and committed) in the Kitchen database.</summary>
public sealed record TicketChange(long RestaurantId, long TicketId);

/// <summary>
/// Every committed ticket change, as it happens, for the kitchen displays (gRPC TicketBoard). The tickets
/// table's trigger NOTIFYs <c>ticket_changed</c> with "restaurantId:ticketId" on commit (Migrations/0001);
/// <see cref="DatabaseChangeFeed{TChange}"/> LISTENs once per process and hands each change to every open
/// board. A board that missed changes while the database was away is told nothing (a display reopens its
/// board to resynchronise).
/// </summary>
public sealed class TicketChangeFeed(IConfiguration configuration, ILogger<TicketChangeFeed> logger)
    : DatabaseChangeFeed<TicketChange>(configuration.GetConnectionString("KitchenDb")!, "ticket_changed", logger)
{
    protected override TicketChange? Parse(string payload)
    {
        var parts = payload.Split(':');
        return parts.Length == 2 && long.TryParse(parts[0], out var restaurantId) && long.TryParse(parts[1], out var ticketId)
            ? new TicketChange(restaurantId, ticketId)
            : null;
    }
}
