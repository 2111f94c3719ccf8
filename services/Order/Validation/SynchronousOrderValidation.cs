using FoodOrdering.Order.Proxies;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Validation;

/// <summary>
/// The chapter's synchronous createOrder(), on purpose, behind the lab switch <c>Order:Validation=Synchronous</c>:
/// before POST /v1/orders answers, the order waits for synchronous gRPC calls, one after the other, through
/// the resilient proxies: the Consumer service (may this consumer place an order of this total?) and the
/// Kitchen service (does the restaurant exist, and is every line item on its menu now, whatever the menu
/// replica says?). Each call multiplies in its service's availability: while either service is down, no
/// order can be placed (<see cref="ServiceUnavailableException"/>: 503, fast once its breaker opens). The
/// default mode (<see cref="AsynchronousOrderValidation"/>) asks the same questions later, in CreateOrderSaga.
/// </summary>
public sealed class SynchronousOrderValidation(ConsumerServiceProxy consumers, KitchenServiceProxy kitchen) : IOrderValidation
{
    public async Task ValidateAsync(OrderAggregate order, CancellationToken cancellationToken)
    {
        if (await consumers.ValidateOrderByConsumerAsync(order.ConsumerId, order.OrderTotal, cancellationToken) is { } refusal)
        {
            throw new OrderRefusedException(refusal);
        }
        var restaurant = await kitchen.FindRestaurantAsync(order.RestaurantId, cancellationToken)
            ?? throw new OrderRefusedException($"the Kitchen service has no restaurant {order.RestaurantId}.");
        var offMenu = order.LineItems.Select(i => i.MenuItemId).Where(id => !restaurant.MenuItemIds.Contains(id)).Distinct().ToList();
        if (offMenu.Count > 0)
        {
            throw new OrderRefusedException($"restaurant {order.RestaurantId} has no menu item {string.Join(", ", offMenu)} now (Kitchen service).");
        }
    }
}
