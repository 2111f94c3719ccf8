using FoodOrdering.Accounting.Domain;
using FoodOrdering.Domain;

namespace FoodOrdering.Accounting.Tests;

/// <summary>The Account and Authorization rules, without any infrastructure: each rule that declines, each state and transition.</summary>
public sealed class AccountRulesTests
{
    private const long Consumer = 7;
    private const long Order = 42;

    public static TheoryData<bool, string, string, AuthorizationState, string?> AuthorizeCardCases() => new()
    {
        // disabled, limit, amount -> state, reason contains
        { false, "100.00", "12.34", AuthorizationState.Authorized, null },
        { false, "100.00", "100.00", AuthorizationState.Authorized, null },
        { false, "100.00", "100.01", AuthorizationState.Declined, "exceeds the single-authorization limit 100.00" },
        { true, "100.00", "12.34", AuthorizationState.Declined, "is disabled" },
        { true, "100.00", "500.00", AuthorizationState.Declined, "is disabled" },
        { false, "100.00", "0.00", AuthorizationState.Declined, "not positive" },
    };

    [Theory]
    [MemberData(nameof(AuthorizeCardCases))]
    public void AuthorizeCard_is_declined_by_a_disabled_account_or_an_amount_over_the_limit(
        bool disabled, string limit, string amount, AuthorizationState expected, string? reason)
    {
        var account = Account.Open(Consumer, Money(limit));
        if (disabled)
        {
            account.Disable();
        }

        var authorization = account.AuthorizeCard(Order, Money(amount));

        Assert.Equal(expected, authorization.State);
        Assert.Equal((Consumer, Order, Money(amount)), (authorization.ConsumerId, authorization.OrderId, authorization.Amount));
        if (reason is null)
        {
            Assert.Null(authorization.WhyNotAuthorized());
            Assert.Null(authorization.DeclineReason);
        }
        else
        {
            Assert.Contains(reason, authorization.WhyNotAuthorized());
            Assert.Equal(authorization.DeclineReason, authorization.WhyNotAuthorized());
        }
    }

    [Fact]
    public void An_enabled_again_account_authorizes_again()
    {
        var account = Account.Open(Consumer, Money("100.00"));
        account.Disable();
        account.Enable();

        Assert.Equal(AuthorizationState.Authorized, account.AuthorizeCard(Order, Money("10.00")).State);
    }

    [Theory]
    [InlineData("0.00")]
    [InlineData("-1.00")]
    public void The_single_authorization_limit_must_be_positive(string limit)
    {
        Assert.Throws<DomainException>(() => Account.Open(Consumer, Money(limit)));
        var account = Account.Open(Consumer, Money("100.00"));
        Assert.Throws<DomainException>(() => account.ChangeSingleAuthorizationLimit(Money(limit)));
        Assert.Equal(Money("100.00"), account.SingleAuthorizationLimit);
    }

    [Fact]
    public void A_lowered_limit_declines_what_it_used_to_authorize()
    {
        var account = Account.Open(Consumer, Money("100.00"));
        account.ChangeSingleAuthorizationLimit(Money("10.00"));

        Assert.Contains("exceeds the single-authorization limit 10.00", account.AuthorizeCard(Order, Money("12.34")).WhyNotAuthorized());
    }

    [Fact]
    public void A_consumer_without_an_account_is_declined()
    {
        var authorization = Authorization.DeclinedWithoutAccount(Consumer, Order, Money("1.00"));

        Assert.Equal(AuthorizationState.Declined, authorization.State);
        Assert.Equal($"Consumer {Consumer} has no account.", authorization.WhyNotAuthorized());
    }

    public static TheoryData<string, bool, AuthorizationState> ReverseCases() => new()
    {
        // from, changed, to
        { "authorized", true, AuthorizationState.Reversed },
        { "reversed", false, AuthorizationState.Reversed },
        { "declined", false, AuthorizationState.Declined },
        { "reversed before authorized", false, AuthorizationState.Reversed },
    };

    [Theory]
    [MemberData(nameof(ReverseCases))]
    public void Reverse_releases_an_authorized_amount_once_and_changes_nothing_else(string from, bool changed, AuthorizationState to)
    {
        var authorization = InState(from);

        Assert.Equal(changed, authorization.Reverse());
        Assert.Equal(to, authorization.State);
    }

    [Theory]
    [InlineData("reversed")]
    [InlineData("reversed before authorized")]
    public void A_reversed_authorization_is_never_charged_again(string from)
    {
        var authorization = InState(from);

        Assert.Contains("was reversed; it is not charged again", authorization.WhyNotAuthorized());
    }

    public static TheoryData<string, string, bool, bool, string, string?> ReviseCases() => new()
    {
        // from, new amount, succeeded, changed, amount after, reason contains
        { "authorized", "20.00", true, true, "20.00", null },
        { "authorized", "10.00", true, false, "10.00", null },
        { "authorized", "100.01", false, false, "10.00", "exceeds the single-authorization limit" },
        { "authorized on a disabled account", "20.00", false, false, "10.00", "is disabled" },
        { "reversed", "20.00", false, false, "10.00", "was reversed" },
        { "declined", "20.00", false, false, "10.00", "is disabled" },
    };

    [Theory]
    [MemberData(nameof(ReviseCases))]
    public void Revise_takes_the_new_amount_only_when_the_account_allows_it(string from, string newAmount, bool succeeded, bool changed,
        string amountAfter, string? reason)
    {
        var account = Account.Open(Consumer, Money("100.00"));
        var authorization = from == "declined" ? Declined(account) : account.AuthorizeCard(Order, Money("10.00"));
        if (from == "reversed")
        {
            authorization.Reverse();
        }
        if (from == "authorized on a disabled account")
        {
            account.Disable();
        }

        var revision = account.ReviseAuthorization(authorization, Money(newAmount));

        Assert.Equal((succeeded, changed), (revision.Succeeded, revision.Changed));
        Assert.Equal(Money(amountAfter), authorization.Amount);
        if (reason is null)
        {
            Assert.Null(revision.Reason);
        }
        else
        {
            Assert.Contains(reason, revision.Reason);
        }
    }

    private static Authorization InState(string state)
    {
        var account = Account.Open(Consumer, Money("100.00"));
        switch (state)
        {
            case "authorized":
                return account.AuthorizeCard(Order, Money("10.00"));
            case "reversed":
                var authorization = account.AuthorizeCard(Order, Money("10.00"));
                authorization.Reverse();
                return authorization;
            case "declined":
                return Declined(account);
            default:
                return Authorization.ReversedBeforeAuthorized(Consumer, Order);
        }
    }

    private static Authorization Declined(Account account)
    {
        account.Disable();
        var authorization = account.AuthorizeCard(Order, Money("10.00"));
        account.Enable();
        return authorization;
    }

    private static Money Money(string text) =>
        text.StartsWith('-') ? new Money(-decimal.Parse(text[1..], System.Globalization.CultureInfo.InvariantCulture))
        : FoodOrdering.Domain.Money.TryParse(text, out var money) ? money : throw new ArgumentException(text);
}
