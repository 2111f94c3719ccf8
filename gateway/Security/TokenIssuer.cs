using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FoodOrdering.Gateway.Security;

/// <summary>Signs the demo tokens: a consumer's (sub and consumer_id = the consumer id) or an admin's.</summary>
public sealed class TokenIssuer(SymmetricSecurityKey signingKey, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public string ForConsumer(long consumerId) => Issue(consumerId.ToString(), new Dictionary<string, object>
    {
        [EdgeSecurity.RoleClaim] = EdgeSecurity.ConsumerRole,
        [EdgeSecurity.ConsumerIdClaim] = consumerId.ToString(),
    });

    public string ForAdmin() => Issue(EdgeSecurity.AdminRole, new Dictionary<string, object> { [EdgeSecurity.RoleClaim] = EdgeSecurity.AdminRole });

    private string Issue(string subject, Dictionary<string, object> claims)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        claims[JwtRegisteredClaimNames.Sub] = subject;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = EdgeSecurity.Issuer,
            Audience = EdgeSecurity.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
