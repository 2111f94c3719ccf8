using FoodOrdering.Domain;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Kitchen.Messaging;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Kitchen.Application;

/// <summary>
/// The restaurant use cases, shared by REST and gRPC: each is one local transaction that changes the
/// restaurant and writes its event to the outbox (RestaurantCreated, RestaurantMenuRevised: the Order
/// service keeps its menu replica from them).
/// </summary>
public sealed class RestaurantService(KitchenDbContext db, TransactionalOutbox outbox)
{
    public async Task<Restaurant> CreateAsync(string name, Address address, IReadOnlyList<MenuItem> menu, CancellationToken cancellationToken)
    {
        var restaurant = Restaurant.Create(name, address, menu);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Restaurants.Add(restaurant);
        await db.SaveChangesAsync(cancellationToken); // assigns the id the event carries
        outbox.Publish(KitchenEvents.RestaurantCreated(restaurant), KitchenEvents.KeyOf(restaurant));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return restaurant;
    }

    /// <summary>Replaces the whole menu; one RestaurantMenuRevised, none when the menu did not change.</summary>
    public async Task<Restaurant> ReviseMenuAsync(long restaurantId, IReadOnlyList<MenuItem> menu, CancellationToken cancellationToken)
    {
        Restaurant.ValidateMenu(menu); // a bad menu is refused before anything is looked up
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var restaurant = await db.LockRestaurantAsync(restaurantId, cancellationToken) ?? throw NotFound(restaurantId);
        if (restaurant.ReviseMenu(menu))
        {
            outbox.Publish(KitchenEvents.MenuRevised(restaurant), KitchenEvents.KeyOf(restaurant));
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return restaurant;
    }

    public async Task<Restaurant> GetAsync(long restaurantId, CancellationToken cancellationToken) =>
        await db.Restaurants.AsNoTracking().SingleOrDefaultAsync(r => r.Id == restaurantId, cancellationToken) ?? throw NotFound(restaurantId);

    private static NotFoundException NotFound(long restaurantId) => new($"There is no restaurant {restaurantId}.");
}
