namespace FoodOrdering.Contracts.Accounting;

// What happened to an account, on the account-events channel (keyed by consumer id). The names carry the
// aggregate, Account, because contract names are the wire identity and the replies already use
// CardAuthorized and CardAuthorizationFailed.

/// <summary>An account was opened for a new consumer (on ConsumerCreated).</summary>
[Message(MessageKind.Event, Channels.AccountEvents)]
public sealed record AccountOpened(long ConsumerId, string SingleAuthorizationLimit);

[Message(MessageKind.Event, Channels.AccountEvents)]
public sealed record AccountCardAuthorized(long ConsumerId, long OrderId, long AuthorizationId, string Amount);

[Message(MessageKind.Event, Channels.AccountEvents)]
public sealed record AccountCardAuthorizationFailed(long ConsumerId, long OrderId, string Amount, string Reason);

[Message(MessageKind.Event, Channels.AccountEvents)]
public sealed record AccountAuthorizationReversed(long ConsumerId, long OrderId, long AuthorizationId);

[Message(MessageKind.Event, Channels.AccountEvents)]
public sealed record AccountAuthorizationRevised(long ConsumerId, long OrderId, long AuthorizationId, string Amount);
