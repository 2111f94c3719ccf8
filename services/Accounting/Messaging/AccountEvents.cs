using FoodOrdering.Accounting.Domain;
using FoodOrdering.Contracts.Accounting;

namespace FoodOrdering.Accounting.Messaging;

/// <summary>
/// The Account aggregate's domain events and the card-authorization replies as the contracts other
/// services read. Mapping here keeps the domain free of contract types and the contracts free of domain types.
/// </summary>
public static class AccountEvents
{
    public static AccountOpened Opened(Account account) => new(account.ConsumerId, account.SingleAuthorizationLimit.ToString());

    public static AccountCardAuthorized CardAuthorized(Authorization a) => new(a.ConsumerId, a.OrderId, a.Id, a.Amount.ToString());

    public static AccountCardAuthorizationFailed CardAuthorizationFailed(Authorization a) =>
        new(a.ConsumerId, a.OrderId, a.Amount.ToString(), a.WhyNotAuthorized()!);

    public static AccountAuthorizationReversed AuthorizationReversed(Authorization a) => new(a.ConsumerId, a.OrderId, a.Id);

    public static AccountAuthorizationRevised AuthorizationRevised(Authorization a) => new(a.ConsumerId, a.OrderId, a.Id, a.Amount.ToString());
}
