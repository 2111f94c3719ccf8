using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Order.Messaging;
using FoodOrdering.Order.Persistence;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Sagas;

/// <summary>
/// The Order service's own steps of its sagas (the local transactions of the book's tables): each changes
/// the order and publishes the Order event that says so. A compensation that ends a saga (reject, undo)
/// also sends the consumer the one-way NotifyConsumer (a successful saga sends it in its last step,
/// Notify). They run inside the transaction of the reply that reached them (the saga orchestrator calls
/// them), so the order's new state, the saga's progress, the event and the notification commit together.
/// </summary>
public sealed class OrderSagaActions(OrderDbContext db, TransactionalOutbox outbox)
{
    // CreateOrderSaga

    public async Task ApproveAsync(long orderId, long? ticketId)
    {
        var order = await LoadAsync(orderId);
        order.Approve(ticketId);
        outbox.Publish(OrderMessages.Approved(order), Key(order));
    }

    public async Task RejectAsync(long orderId, string reason)
    {
        var order = await LoadAsync(orderId);
        order.Reject(reason);
        outbox.Publish(OrderMessages.Rejected(order), Key(order));
        Notify(order, OrderNotifications.Rejected(order.ConsumerId, order.Id, order.OrderTotal.ToString(), reason));
    }

    // CancelOrderSaga

    public async Task ConfirmCancelAsync(long orderId)
    {
        var order = await LoadAsync(orderId);
        order.ConfirmCancel();
        outbox.Publish(OrderMessages.Cancelled(order), Key(order));
    }

    public async Task UndoBeginCancelAsync(long orderId, string reason)
    {
        var order = await LoadAsync(orderId);
        order.UndoCancel(reason);
        Notify(order, OrderNotifications.NotCancelled(order.ConsumerId, order.Id, reason));
    }

    // ReviseOrderSaga

    public async Task ConfirmReviseAsync(long orderId)
    {
        var order = await LoadAsync(orderId);
        order.ConfirmRevise();
        outbox.Publish(OrderMessages.Revised(order), Key(order));
    }

    public async Task UndoBeginReviseAsync(long orderId, string reason)
    {
        var order = await LoadAsync(orderId);
        order.UndoRevise(reason);
        Notify(order, OrderNotifications.NotRevised(order.ConsumerId, order.Id, reason));
    }

    private async Task<OrderAggregate> LoadAsync(long orderId) =>
        await db.Orders.FindAsync(orderId) ?? throw new NotFoundException($"There is no order {orderId}.");

    // One-way: no reply channel, nobody waits for an answer. Keyed by the order, like every command of its sagas.
    private void Notify(OrderAggregate order, NotifyConsumer notification) => outbox.Send(notification, Key(order));

    private static string Key(OrderAggregate order) => order.Id.ToString();
}
