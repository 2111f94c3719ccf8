using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Activity;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// The Accounting service's part of GetConsumerActivity (publish/async responses, queue
/// accounting-service.consumer-activity-queries): the consumer's card authorizations, read-only.
/// </summary>
public sealed class ConsumerAuthorizationsQueryHandler(AccountingDbContext db, TransactionalOutbox outbox) : IMessageHandler<GetConsumerActivity>
{
    public static string Name => "accounting.consumer-activity";

    public async Task HandleAsync(IncomingMessage<GetConsumerActivity> message, CancellationToken cancellationToken)
    {
        var authorizations = await db.Authorizations.AsNoTracking().Where(a => a.ConsumerId == message.Body.ConsumerId).OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        outbox.Reply(new ConsumerAuthorizations(message.Body.ConsumerId,
            [.. authorizations.Select(a => new ConsumerAuthorization(a.Id, a.OrderId, a.Amount.ToString(), a.State.ToString().ToUpperInvariant()))]), message);
    }
}
