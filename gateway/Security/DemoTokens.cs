using Microsoft.AspNetCore.Http.HttpResults;

namespace FoodOrdering.Gateway.Security;

/// <summary>
/// <c>POST /api/v1/auth/token</c>: a token for whoever asks, to try the system without an identity
/// provider. Off unless <c>Gateway:DemoTokens:Enabled</c> is true (`./ftgo up` and the demo turn it on);
/// a real deployment gets its tokens from an identity provider that shares the signing key (or
/// switches the gateway to its public keys).
/// </summary>
public static class DemoTokens
{
    public const string EnabledSetting = "Gateway:DemoTokens:Enabled";

    public static WebApplication MapDemoTokens(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(EnabledSetting))
        {
            app.MapPost("/api/v1/auth/token", Issue).AllowAnonymous().WithTags("Demo tokens").WithName("IssueDemoToken").ProducesValidationProblem();
        }
        return app;
    }

    public static Results<Ok<TokenResponse>, ValidationProblem> Issue(TokenRequest request, TokenIssuer issuer) => request switch
    {
        { ConsumerId: > 0, Role: null or EdgeSecurity.ConsumerRole } => TypedResults.Ok(Response(issuer.ForConsumer(request.ConsumerId.Value))),
        { ConsumerId: null, Role: EdgeSecurity.AdminRole } => TypedResults.Ok(Response(issuer.ForAdmin())),
        _ => TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["consumerId"] = ["Ask for a consumer's token with {\"consumerId\": 42} (a positive id), or for an admin's with {\"role\": \"admin\"}."],
        }, title: "The token request is not valid"),
    };

    private static TokenResponse Response(string token) => new(token, (int)TokenIssuer.Lifetime.TotalSeconds);
}

public sealed record TokenRequest(long? ConsumerId, string? Role);

public sealed record TokenResponse(string AccessToken, int ExpiresIn);
