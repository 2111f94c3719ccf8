using FoodOrdering.Contracts.Activity;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Order.Messaging;

/// <summary>The Order service's part of GetConsumerActivity (publish/async responses): the consumer's orders, read-only.</summary>
public sealed class ConsumerOrdersQueryHandler(OrderDbContext db, TransactionalOutbox outbox) : IMessageHandler<GetConsumerActivity>
{
    public static string Name => "order.consumer-activity";

    public async Task HandleAsync(IncomingMessage<GetConsumerActivity> message, CancellationToken cancellationToken)
    {
        var orders = await db.Orders.AsNoTracking().Where(o => o.ConsumerId == message.Body.ConsumerId).OrderBy(o => o.Id).ToListAsync(cancellationToken);
        outbox.Reply(new ConsumerOrders(message.Body.ConsumerId,
            [.. orders.Select(o => new ConsumerOrder(o.Id, o.RestaurantId, o.State.Name(), o.OrderTotal.ToString()))]), message);
    }
}

/// <summary>
/// Hands each part's reply to the request waiting for it in this process (<see cref="ConsumerActivityGatherer"/>).
/// Consumed without the inbox (MessagingBuilder.HandleQueryReply): a reply changes no data, and a duplicate
/// or late one is dropped by the gatherer.
/// </summary>
public sealed class ConsumerActivityReplyHandler(ConsumerActivityGatherer gatherer, ILogger<ConsumerActivityReplyHandler> logger)
    : IMessageHandler<ConsumerOrders>, IMessageHandler<ConsumerTickets>, IMessageHandler<ConsumerAuthorizations>
{
    public static string Name => "order.consumer-activity-replies";

    public Task HandleAsync(IncomingMessage<ConsumerOrders> message, CancellationToken cancellationToken) => Offer(message, "order");

    public Task HandleAsync(IncomingMessage<ConsumerTickets> message, CancellationToken cancellationToken) => Offer(message, "kitchen");

    public Task HandleAsync(IncomingMessage<ConsumerAuthorizations> message, CancellationToken cancellationToken) => Offer(message, "accounting");

    private Task Offer<T>(IncomingMessage<T> message, string part)
        where T : class
    {
        if (!gatherer.Offer(message.CorrelationId, part, message.Body))
        {
            // Every instance reads a copy of every reply (MessagingBuilder.HandleQueryReply): most copies are not for it.
            logger.LogDebug("Reply {MessageId} ({Part}) to query {CorrelationId} discarded: late, duplicate or not asked by this instance",
                message.MessageId, part, message.CorrelationId);
        }
        return Task.CompletedTask;
    }
}
