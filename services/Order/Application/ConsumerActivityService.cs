using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Activity;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Order.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Order.Application;

/// <summary>What the parts of a consumer's activity answered within the time limit, and which did not.</summary>
public sealed record ConsumerActivity(long ConsumerId, ConsumerOrders? Orders, ConsumerTickets? Tickets, ConsumerAuthorizations? Authorizations,
    IReadOnlyList<string> Missing);

/// <summary>How long GET /v1/consumers/{consumerId}/activity waits for the parts ("Order:Activity:Timeout", default 2 s).</summary>
public sealed record ConsumerActivitySettings(TimeSpan Timeout);

/// <summary>
/// Publish/async responses (chapter 3; scatter-gather): ONE GetConsumerActivity published on a
/// publish-subscribe channel, with a reply channel and a correlation id; the Order, Kitchen and Accounting
/// services each reply with their part; the replies are gathered by correlation id until all came or the
/// time limit passed, and the answer names the parts that did not answer. The query leaves through the
/// outbox like every message (a GET that writes one outbox row); the Order service answers its own part
/// over the channel like the others, so whichever Order instance consumes the query can serve it.
/// </summary>
public sealed class ConsumerActivityService(OrderDbContext db, TransactionalOutbox outbox, ConsumerActivityGatherer gatherer, ConsumerActivitySettings settings)
{
    public async Task<ConsumerActivity> GatherAsync(long consumerId, CancellationToken cancellationToken)
    {
        // Kitchen keeps no consumer id (a ticket belongs to an order): the query carries the order ids.
        var orderIds = await db.Orders.Where(o => o.ConsumerId == consumerId).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(cancellationToken);
        var correlationId = Guid.NewGuid();
        using var gathering = gatherer.Open(correlationId); // before the query leaves: no reply can come first
        outbox.PublishQuery(new GetConsumerActivity(consumerId, orderIds), key: consumerId.ToString(), Channels.ConsumerActivityReplies, correlationId);
        await db.SaveChangesAsync(cancellationToken);

        await gathering.WaitAsync(settings.Timeout, cancellationToken);
        return new ConsumerActivity(consumerId, gathering.Reply<ConsumerOrders>("order"), gathering.Reply<ConsumerTickets>("kitchen"),
            gathering.Reply<ConsumerAuthorizations>("accounting"), gathering.Missing);
    } // disposing the gathering closes it: replies from now on are late, and discarded
}
