namespace FoodOrdering.Contracts.Accounting;

// The commands the order sagas send to the Accounting service, keyed by order id. The order id is the
// authorization's business key: at most one authorization per order, whatever the message ids.
// Amounts are money as decimal strings ("12.34").

/// <summary>Step "authorize card" of CreateOrderSaga. Replies CardAuthorized or CardAuthorizationFailed.</summary>
[Message(MessageKind.Command, Channels.AccountingServiceCommands)]
public sealed record AuthorizeCard(long ConsumerId, long OrderId, string OrderTotal);

/// <summary>CancelOrderSaga: the order's authorization is released. Replies AuthorizationReversed (also when it already was, or never existed).</summary>
[Message(MessageKind.Command, Channels.AccountingServiceCommands)]
public sealed record ReverseAuthorization(long ConsumerId, long OrderId);

/// <summary>ReviseOrderSaga: the order's authorization takes the new total. Replies AuthorizationRevised or AuthorizationRevisionFailed.</summary>
[Message(MessageKind.Command, Channels.AccountingServiceCommands)]
public sealed record ReviseAuthorization(long ConsumerId, long OrderId, string NewOrderTotal);
