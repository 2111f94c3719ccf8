using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace FoodOrdering.Gateway.Security;

/// <summary>
/// Authentication at the edge: every request may carry a bearer token (JWT, HS256, signed with
/// <c>Gateway:Jwt:SigningKey</c>); each route of the ReverseProxy section names its policy:
/// <c>anonymous</c>, <c>default</c> (any valid token) or <see cref="AdminPolicy"/>. The services behind
/// the gateway trust its identity headers (<see cref="Routing.IdentityHeaders"/>) instead of tokens.
/// </summary>
public static class EdgeSecurity
{
    public const string AdminPolicy = "admin";
    public const string AdminRole = "admin";
    public const string ConsumerRole = "consumer";
    public const string RoleClaim = "role";
    public const string ConsumerIdClaim = "consumer_id";
    public const string Issuer = "ftgo-gateway";
    public const string Audience = "ftgo";
    public const string SigningKeySetting = "Gateway:Jwt:SigningKey";

    public static WebApplicationBuilder AddEdgeSecurity(this WebApplicationBuilder builder)
    {
        var signingKey = SigningKey(builder.Configuration);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            // The claims as written in the token ("sub", "role"), not renamed to long XML schema URIs.
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = signingKey,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = "sub",
                RoleClaimType = RoleClaim,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(AdminRole));
        builder.Services.AddSingleton(new TokenIssuer(signingKey, TimeProvider.System));
        return builder;
    }

    /// <summary>
    /// The key that signs and checks tokens. No default: a gateway without one refuses to start, rather
    /// than accept tokens anybody could sign. `./ftgo up` passes the demo key
    /// (appsettings.Development.json carries the same one for an IDE run).
    /// </summary>
    public static SymmetricSecurityKey SigningKey(IConfiguration configuration)
    {
        var key = configuration[SigningKeySetting];
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new InvalidOperationException(
                $"{SigningKeySetting} is not set: the gateway needs the key that signs and checks its tokens (HS256, at least 32 bytes), e.g. Gateway__Jwt__SigningKey=...");
        }
        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException($"{SigningKeySetting} is {bytes.Length} bytes long; HS256 needs at least 32.");
        }
        return new SymmetricSecurityKey(bytes);
    }
}
