using FoodOrdering.Accounting.Domain;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// Publish/subscribe (chapter 3): the Accounting service subscribes to the Consumer service's
/// ConsumerCreated (queue accounting-service.consumer-events) and opens the consumer's account, then
/// publishes AccountOpened. Idempotent by state too: an account that exists is left as it is.
/// </summary>
public sealed class OpenAccountHandler(AccountingDbContext db, TransactionalOutbox outbox, AccountingSettings settings)
    : IMessageHandler<ConsumerCreated>
{
    public static string Name => "accounting.open-account";

    public async Task HandleAsync(IncomingMessage<ConsumerCreated> message, CancellationToken cancellationToken)
    {
        var consumerId = message.Body.ConsumerId;
        if (await db.Accounts.FindAsync([consumerId], cancellationToken) is not null)
        {
            return;
        }
        var account = Account.Open(consumerId, settings.DefaultSingleAuthorizationLimit);
        db.Accounts.Add(account);
        outbox.Publish(AccountEvents.Opened(account), aggregateId: consumerId.ToString());
    }
}
