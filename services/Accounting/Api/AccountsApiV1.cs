using FoodOrdering.Accounting.Domain;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Accounting.Api;

/// <summary>
/// REST v1 of the Accounting service (Richardson level 2). Accounts are opened by ConsumerCreated, never
/// over REST: an account is 404 until the sign-up's event arrived. PUT changes what an operator (or the
/// demo) may change: disable the account, set its single-authorization limit; both make AuthorizeCard
/// decline on purpose.
/// </summary>
public static class AccountsApiV1
{
    public static IEndpointRouteBuilder MapAccountsApiV1(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/v1/accounts").WithTags("Accounts v1");
        accounts.MapGet("/{consumerId:long}", GetAccount).WithName("GetAccountV1").ProducesProblem(StatusCodes.Status404NotFound);
        accounts.MapPut("/{consumerId:long}", UpdateAccount).WithName("UpdateAccountV1")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(
        long consumerId, AccountingDbContext db, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.ConsumerId == consumerId, cancellationToken);
        return account is null
            ? AccountNotFound(consumerId)
            : TypedResults.Ok(await AccountResponse.ReadAsync(account, db, cancellationToken));
    }

    /// <summary>Changes the fields the body names; a field left out keeps its value (robustness principle).</summary>
    public static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> UpdateAccount(
        long consumerId, UpdateAccountRequest request, AccountingDbContext db, CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The account change is not valid");
        }
        var account = await db.Accounts.FindAsync([consumerId], cancellationToken);
        if (account is null)
        {
            return AccountNotFound(consumerId);
        }

        switch (request.Disabled)
        {
            case true:
                account.Disable();
                break;
            case false:
                account.Enable();
                break;
        }
        if (request.SingleAuthorizationLimit is { } limit)
        {
            account.ChangeSingleAuthorizationLimit(Money.TryParse(limit, out var money) ? money : throw new InvalidOperationException("Validated before."));
        }
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await AccountResponse.ReadAsync(account, db, cancellationToken));
    }

    private static ProblemHttpResult AccountNotFound(long consumerId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Account not found",
            detail: $"There is no account for consumer {consumerId} (it is opened when the Accounting service receives ConsumerCreated).");
}

/// <summary>PUT /v1/accounts/{consumerId} body: <c>{"disabled": true}</c> and/or <c>{"singleAuthorizationLimit": "10.00"}</c>.</summary>
public sealed record UpdateAccountRequest(bool? Disabled, string? SingleAuthorizationLimit)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Disabled is null && SingleAuthorizationLimit is null)
        {
            errors[""] = ["Name at least one of disabled and singleAuthorizationLimit."];
        }
        if (SingleAuthorizationLimit is not null && !(Money.TryParse(SingleAuthorizationLimit, out var limit) && limit > Money.Zero))
        {
            errors["singleAuthorizationLimit"] = ["The limit must be a positive decimal string with at most two fraction digits, e.g. \"500.00\"."];
        }
        return errors;
    }
}

public sealed record AccountResponse(long ConsumerId, bool Disabled, Money SingleAuthorizationLimit, IReadOnlyList<AuthorizationResponse> Authorizations)
{
    public static async Task<AccountResponse> ReadAsync(Account account, AccountingDbContext db, CancellationToken cancellationToken)
    {
        var authorizations = await db.Authorizations.AsNoTracking()
            .Where(a => a.ConsumerId == account.ConsumerId)
            .OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return new AccountResponse(account.ConsumerId, account.Disabled, account.SingleAuthorizationLimit,
            [.. authorizations.Select(AuthorizationResponse.From)]);
    }
}

/// <summary>One authorization as REST shows it; the state in the database's words (AUTHORIZED, DECLINED, REVERSED).</summary>
public sealed record AuthorizationResponse(long AuthorizationId, long OrderId, Money Amount, string State, string? DeclineReason)
{
    public static AuthorizationResponse From(Authorization a) =>
        new(a.Id, a.OrderId, a.Amount, a.State.ToString().ToUpperInvariant(), a.DeclineReason);
}
