using FoodOrdering.Contracts.Activity;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Kitchen.Messaging;

/// <summary>
/// The Kitchen service's part of GetConsumerActivity (publish/async responses, queue
/// kitchen-service.consumer-activity-queries): the tickets of the consumer's orders, read-only. A ticket
/// knows its order, not its consumer, so the query carries the order ids.
/// </summary>
public sealed class ConsumerTicketsQueryHandler(KitchenDbContext db, TransactionalOutbox outbox) : IMessageHandler<GetConsumerActivity>
{
    public static string Name => "kitchen.consumer-activity";

    public async Task HandleAsync(IncomingMessage<GetConsumerActivity> message, CancellationToken cancellationToken)
    {
        var orderIds = message.Body.OrderIds.ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => orderIds.Contains(t.OrderId)).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        outbox.Reply(new ConsumerTickets(message.Body.ConsumerId,
            [.. tickets.Select(t => new ConsumerTicket(t.Id, t.OrderId, t.RestaurantId, t.State.ToWireName()))]), message);
    }
}
