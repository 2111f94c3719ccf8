using FoodOrdering.Contracts.Consumer;

namespace FoodOrdering.Order.Messaging;

/// <summary>
/// The one-way NotifyConsumer each saga ends with: the order's outcome, for the consumer to read
/// (GET /v1/consumers/{consumerId}/notifications at the Consumer service). Nobody answers it.
/// </summary>
public static class OrderNotifications
{
    public static NotifyConsumer Approved(long consumerId, long orderId, string orderTotal) =>
        new(consumerId, orderId, $"Order {orderId} approved", $"Your order of {orderTotal} was approved.");

    public static NotifyConsumer Rejected(long consumerId, long orderId, string orderTotal, string reason) =>
        new(consumerId, orderId, $"Order {orderId} rejected", $"Your order of {orderTotal} was rejected: {reason.TrimEnd('.')}.");

    public static NotifyConsumer Cancelled(long consumerId, long orderId, string orderTotal) =>
        new(consumerId, orderId, $"Order {orderId} cancelled", $"Your order of {orderTotal} was cancelled.");

    public static NotifyConsumer NotCancelled(long consumerId, long orderId, string reason) =>
        new(consumerId, orderId, $"Order {orderId} not cancelled", $"Your order could not be cancelled: {reason.TrimEnd('.')}.");

    public static NotifyConsumer Revised(long consumerId, long orderId, string newOrderTotal) =>
        new(consumerId, orderId, $"Order {orderId} revised", $"Your order was revised; its new total is {newOrderTotal}.");

    public static NotifyConsumer NotRevised(long consumerId, long orderId, string reason) =>
        new(consumerId, orderId, $"Order {orderId} not revised", $"Your order could not be revised and stays as it was: {reason.TrimEnd('.')}.");
}
