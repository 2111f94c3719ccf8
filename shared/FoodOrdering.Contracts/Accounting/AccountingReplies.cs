namespace FoodOrdering.Contracts.Accounting;

/// <summary>AuthorizeCard succeeded (or the order was already authorized: the same authorization, not a second charge).</summary>
[Message(MessageKind.Reply)]
public sealed record CardAuthorized(long ConsumerId, long OrderId, long AuthorizationId, string Amount);

/// <summary>AuthorizeCard declined: the account is disabled, unknown, or the amount exceeds its single-authorization limit.</summary>
[Message(MessageKind.Reply)]
public sealed record CardAuthorizationFailed(long ConsumerId, long OrderId, string Reason);

/// <summary>ReverseAuthorization: the order holds no authorization any more.</summary>
[Message(MessageKind.Reply)]
public sealed record AuthorizationReversed(long ConsumerId, long OrderId);

/// <summary>ReviseAuthorization: the order's authorization is for the new amount.</summary>
[Message(MessageKind.Reply)]
public sealed record AuthorizationRevised(long ConsumerId, long OrderId, long AuthorizationId, string Amount);

/// <summary>ReviseAuthorization declined; the old authorization stands.</summary>
[Message(MessageKind.Reply)]
public sealed record AuthorizationRevisionFailed(long ConsumerId, long OrderId, string Reason);
