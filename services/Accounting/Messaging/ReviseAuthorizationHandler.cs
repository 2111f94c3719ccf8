using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// ReviseOrderSaga: the order's authorization takes the new total, if the account allows it. Replies
/// AuthorizationRevised (also when it already held that amount: no second event) or
/// AuthorizationRevisionFailed with the reason; on failure the old authorization stands.
/// </summary>
public sealed class ReviseAuthorizationHandler(AccountingDbContext db, TransactionalOutbox outbox) : IMessageHandler<ReviseAuthorization>
{
    public static string Name => "accounting.revise-authorization";

    public async Task HandleAsync(IncomingMessage<ReviseAuthorization> message, CancellationToken cancellationToken)
    {
        var command = message.Body;
        var authorization = await db.AuthorizationOfOrderAsync(command.OrderId, cancellationToken);
        if (authorization is null)
        {
            Refuse($"Order {command.OrderId} holds no authorization.");
            return;
        }
        if (!Money.TryParse(command.NewOrderTotal, out var newAmount))
        {
            Refuse($"The new order total '{command.NewOrderTotal}' is not an amount of money such as \"12.34\".");
            return;
        }
        var account = await db.Accounts.FindAsync([authorization.ConsumerId], cancellationToken);
        if (account is null)
        {
            Refuse($"Consumer {authorization.ConsumerId} has no account.");
            return;
        }

        var revision = account.ReviseAuthorization(authorization, newAmount);
        if (!revision.Succeeded)
        {
            Refuse(revision.Reason!);
            return;
        }
        if (revision.Changed)
        {
            outbox.Publish(AccountEvents.AuthorizationRevised(authorization), aggregateId: authorization.ConsumerId.ToString());
        }
        outbox.Reply(new AuthorizationRevised(authorization.ConsumerId, authorization.OrderId, authorization.Id, authorization.Amount.ToString()), message);

        void Refuse(string reason) => outbox.Reply(new AuthorizationRevisionFailed(command.ConsumerId, command.OrderId, reason), message);
    }
}
