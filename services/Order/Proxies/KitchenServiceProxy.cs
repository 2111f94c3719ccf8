using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using Grpc.Core;

namespace FoodOrdering.Order.Proxies;

/// <summary>
/// The book's KitchenServiceProxy, for the one synchronous question the Order service may ask the Kitchen
/// service: what is this restaurant's menu now (ftgo.kitchen.v1.KitchenService/GetRestaurant over gRPC, only
/// with the lab switch Order:Validation=Synchronous). The generated client runs through the "kitchen"
/// service proxy (deadline, outstanding-request limit, circuit breaker); NOT_FOUND is an answer, and
/// anything that says Kitchen could not answer becomes <see cref="ServiceUnavailableException"/>.
/// </summary>
public sealed class KitchenServiceProxy(KitchenService.KitchenServiceClient client)
{
    public const string Downstream = "kitchen";

    /// <summary>The restaurant as the Kitchen service knows it, or null when it has none by that id.</summary>
    public async Task<KitchenRestaurant?> FindRestaurantAsync(long restaurantId, CancellationToken cancellationToken)
    {
        try
        {
            var restaurant = await client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = restaurantId }, cancellationToken: cancellationToken);
            return new KitchenRestaurant(restaurant.RestaurantId, restaurant.Name, restaurant.MenuItems.Select(i => i.MenuItemId).ToHashSet());
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (ServiceUnavailableException.ReasonFor(e) is { } reason)
        {
            throw new ServiceUnavailableException(Downstream, reason, e);
        }
    }
}

/// <summary>A restaurant as the Kitchen service describes it: the ids of what is on its menu now.</summary>
public sealed record KitchenRestaurant(long RestaurantId, string Name, IReadOnlySet<string> MenuItemIds);
