using FoodOrdering.Accounting.Domain;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// CancelOrderSaga (and compensations): releases the order's authorization. Idempotent by state: an
/// authorization already reversed, declined or never made is answered AuthorizationReversed all the same,
/// with no second event. An order never authorized is remembered as reversed, so a stale AuthorizeCard
/// arriving later cannot charge it.
/// </summary>
public sealed class ReverseAuthorizationHandler(AccountingDbContext db, TransactionalOutbox outbox) : IMessageHandler<ReverseAuthorization>
{
    public static string Name => "accounting.reverse-authorization";

    public async Task HandleAsync(IncomingMessage<ReverseAuthorization> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        var authorization = await db.AuthorizationOfOrderAsync(command.OrderId, cancellationToken);
        if (authorization is null)
        {
            db.Authorizations.Add(Authorization.ReversedBeforeAuthorized(command.ConsumerId, command.OrderId));
        }
        else if (authorization.Reverse())
        {
            outbox.Publish(AccountEvents.AuthorizationReversed(authorization), aggregateId: authorization.ConsumerId.ToString());
        }
        outbox.Reply(new AuthorizationReversed(command.ConsumerId, command.OrderId), message);
    }
}
