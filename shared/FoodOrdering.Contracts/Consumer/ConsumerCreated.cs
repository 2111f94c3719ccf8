namespace FoodOrdering.Contracts.Consumer;

/// <summary>
/// A consumer signed up. The Accounting service opens an account on it. The order limit is money as
/// a decimal string ("500.00"), as in the REST API.
/// </summary>
[Message(MessageKind.Event, Channels.ConsumerEvents)]
public sealed record ConsumerCreated(long ConsumerId, string FirstName, string LastName, string OrderLimit);
