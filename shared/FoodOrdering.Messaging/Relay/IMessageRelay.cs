namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// A message relay (chapter 3): moves committed outbox rows to the broker until cancelled, surviving
/// database and broker outages by retrying. Two implementations, chosen by Messaging:Relay.
/// </summary>
public interface IMessageRelay
{
    Task RunAsync(CancellationToken cancellationToken);
}
