using FoodOrdering.Accounting.Domain;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// Step "authorize card" of CreateOrderSaga (asynchronous request/response): replies CardAuthorized or
/// CardAuthorizationFailed on the command's reply channel, with its correlation id.
/// At most one authorization per order, whatever the message id: the inbox drops a redelivered message,
/// and the order's stored authorization answers a new message for the same order with the SAME outcome
/// (the same authorization id, no second charge, no second event). A late AuthorizeCard for an order
/// whose authorization was reversed is answered CardAuthorizationFailed and charges nothing.
/// </summary>
public sealed class AuthorizeCardHandler(AccountingDbContext db, TransactionalOutbox outbox) : IMessageHandler<AuthorizeCard>
{
    public static string Name => "accounting.authorize-card";

    public async Task HandleAsync(IncomingMessage<AuthorizeCard> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        var authorization = await db.AuthorizationOfOrderAsync(command.OrderId, cancellationToken);
        if (authorization is null)
        {
            if (!Money.TryParse(command.OrderTotal, out var amount))
            {
                // The sender's bug, not the consumer's: refused, and nothing is recorded for the order.
                outbox.Reply(new CardAuthorizationFailed(command.ConsumerId, command.OrderId,
                    $"The order total '{command.OrderTotal}' is not an amount of money such as \"12.34\"."), message);
                return;
            }
            var account = await db.Accounts.FindAsync([command.ConsumerId], cancellationToken);
            authorization = account?.AuthorizeCard(command.OrderId, amount)
                ?? Authorization.DeclinedWithoutAccount(command.ConsumerId, command.OrderId, amount);
            db.Authorizations.Add(authorization);
            await db.SaveChangesAsync(cancellationToken); // the id the reply and the event carry; UNIQUE (order_id) guards the line
            if (authorization.State == AuthorizationState.Authorized)
            {
                outbox.Publish(AccountEvents.CardAuthorized(authorization), aggregateId: command.ConsumerId.ToString());
            }
            else
            {
                outbox.Publish(AccountEvents.CardAuthorizationFailed(authorization), aggregateId: command.ConsumerId.ToString());
            }
        }

        // The order's one outcome, whether decided now or by an earlier message.
        if (authorization.WhyNotAuthorized() is { } reason)
        {
            outbox.Reply(new CardAuthorizationFailed(authorization.ConsumerId, authorization.OrderId, reason), message);
        }
        else
        {
            outbox.Reply(new CardAuthorized(authorization.ConsumerId, authorization.OrderId, authorization.Id, authorization.Amount.ToString()), message);
        }
    }
}
