using FoodOrdering.Domain;

namespace FoodOrdering.Accounting.Domain;

/// <summary>
/// The outcome of an order's card authorization. The order id is its business key: at most ONE
/// authorization per order, whatever the message ids of the commands that ask for it (a unique key in
/// the database holds the line behind the inbox). So a repeated AuthorizeCard (a saga retry with a new
/// message id) finds this row and answers its outcome again instead of charging a second time, and a
/// late AuthorizeCard for an order whose authorization was reversed finds it reversed and charges nothing.
/// </summary>
/// <remarks>
/// States: <c>Authorized</c> (the amount is held) -> <c>Reversed</c> (released); <c>Declined</c> is final.
/// A ReverseAuthorization that arrives before any AuthorizeCard records a <c>Reversed</c> authorization of
/// nothing, so that a stale AuthorizeCard arriving after it cannot charge the cancelled order either.
/// </remarks>
public sealed class Authorization
{
    private Authorization()
    {
    }

    private Authorization(long consumerId, long orderId, Money amount, AuthorizationState state, string? declineReason)
    {
        ConsumerId = consumerId;
        OrderId = orderId;
        Amount = amount;
        State = state;
        DeclineReason = declineReason;
    }

    public long Id { get; private set; }
    public long OrderId { get; private set; }
    public long ConsumerId { get; private set; }
    public Money Amount { get; private set; }
    public AuthorizationState State { get; private set; }

    /// <summary>Why it was declined (only for <see cref="AuthorizationState.Declined"/>).</summary>
    public string? DeclineReason { get; private set; }

    internal static Authorization Authorized(long consumerId, long orderId, Money amount) =>
        new(consumerId, orderId, amount, AuthorizationState.Authorized, null);

    internal static Authorization Declined(long consumerId, long orderId, Money amount, string reason) =>
        new(consumerId, orderId, amount, AuthorizationState.Declined, reason);

    /// <summary>AuthorizeCard for a consumer without an account: declined.</summary>
    public static Authorization DeclinedWithoutAccount(long consumerId, long orderId, Money amount) =>
        Declined(consumerId, orderId, amount, $"Consumer {consumerId} has no account.");

    /// <summary>ReverseAuthorization for an order nothing was authorized for: remembered, so nothing can be charged for it later.</summary>
    public static Authorization ReversedBeforeAuthorized(long consumerId, long orderId) =>
        new(consumerId, orderId, Money.Zero, AuthorizationState.Reversed, null);

    /// <summary>Null when the amount is held; otherwise why the order holds no authorization (the reason a repeated AuthorizeCard is answered with).</summary>
    public string? WhyNotAuthorized() => State switch
    {
        AuthorizationState.Authorized => null,
        AuthorizationState.Declined => DeclineReason,
        _ => $"The authorization of order {OrderId} was reversed; it is not charged again.",
    };

    /// <summary>Releases the amount. True when it was held; false when nothing was (already reversed, or declined): nothing changes.</summary>
    public bool Reverse()
    {
        if (State != AuthorizationState.Authorized)
        {
            return false;
        }
        State = AuthorizationState.Reversed;
        return true;
    }

    internal void ChangeAmount(Money newAmount) => Amount = newAmount;
}

public enum AuthorizationState
{
    Authorized,
    Declined,
    Reversed,
}
