using FoodOrdering.Domain;

namespace FoodOrdering.Accounting.Domain;

/// <summary>
/// The Account aggregate: a consumer's means of payment, opened when the consumer signs up (the Accounting
/// service subscribes to ConsumerCreated). Its rules decide whether a card authorization is declined: the
/// account is disabled, or the amount exceeds the account's single-authorization limit. Both are business
/// outcomes the order sagas receive as failure replies, not errors.
/// </summary>
public sealed class Account
{
    private Account()
    {
    }

    private Account(long consumerId, Money singleAuthorizationLimit)
    {
        ConsumerId = consumerId;
        SingleAuthorizationLimit = singleAuthorizationLimit;
    }

    /// <summary>One account per consumer: the consumer id is the account's identity.</summary>
    public long ConsumerId { get; private set; }

    public bool Disabled { get; private set; }

    /// <summary>The most one authorization (one order) may charge.</summary>
    public Money SingleAuthorizationLimit { get; private set; }

    public static Account Open(long consumerId, Money singleAuthorizationLimit)
    {
        RequirePositive(singleAuthorizationLimit);
        return new Account(consumerId, singleAuthorizationLimit);
    }

    public void Disable() => Disabled = true;

    public void Enable() => Disabled = false;

    public void ChangeSingleAuthorizationLimit(Money limit)
    {
        RequirePositive(limit);
        SingleAuthorizationLimit = limit;
    }

    /// <summary>
    /// The first AuthorizeCard of an order: an <see cref="AuthorizationState.Authorized"/> authorization, or a
    /// <see cref="AuthorizationState.Declined"/> one that says why. Either way it is the order's one outcome.
    /// </summary>
    public Authorization AuthorizeCard(long orderId, Money amount) =>
        WhyDeclined(amount) is { } reason
            ? Authorization.Declined(ConsumerId, orderId, amount, reason)
            : Authorization.Authorized(ConsumerId, orderId, amount);

    /// <summary>
    /// ReviseAuthorization: the order's authorization takes the new amount if this account allows it;
    /// otherwise the old amount stands and the result says why.
    /// </summary>
    public AuthorizationRevision ReviseAuthorization(Authorization authorization, Money newAmount)
    {
        if (authorization.ConsumerId != ConsumerId)
        {
            throw new InvalidOperationException($"Authorization {authorization.Id} belongs to consumer {authorization.ConsumerId}, not {ConsumerId}.");
        }
        if (authorization.WhyNotAuthorized() is { } notAuthorized)
        {
            return AuthorizationRevision.Refused(notAuthorized);
        }
        if (authorization.Amount == newAmount)
        {
            return AuthorizationRevision.AlreadyHeld; // idempotent by state: the effect already holds
        }
        if (WhyDeclined(newAmount) is { } reason)
        {
            return AuthorizationRevision.Refused(reason);
        }
        authorization.ChangeAmount(newAmount);
        return AuthorizationRevision.Revised;
    }

    /// <summary>Why this account declines an authorization of <paramref name="amount"/>, or null when it does not.</summary>
    public string? WhyDeclined(Money amount)
    {
        if (Disabled)
        {
            return $"The account of consumer {ConsumerId} is disabled.";
        }
        if (amount <= Money.Zero)
        {
            return $"The amount {amount} is not positive.";
        }
        return amount > SingleAuthorizationLimit
            ? $"The amount {amount} exceeds the single-authorization limit {SingleAuthorizationLimit} of consumer {ConsumerId}'s account."
            : null;
    }

    private static void RequirePositive(Money limit)
    {
        if (limit <= Money.Zero)
        {
            throw new DomainException("The single-authorization limit must be greater than zero.");
        }
    }
}

/// <summary>What ReviseAuthorization did: revised, nothing to do (the amount already held), or refused with a reason.</summary>
public sealed record AuthorizationRevision(bool Succeeded, bool Changed, string? Reason)
{
    public static readonly AuthorizationRevision Revised = new(true, true, null);
    public static readonly AuthorizationRevision AlreadyHeld = new(true, false, null);

    public static AuthorizationRevision Refused(string reason) => new(false, false, reason);
}
