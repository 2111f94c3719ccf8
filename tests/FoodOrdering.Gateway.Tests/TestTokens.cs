using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// JWTs made by hand (header.payload.signature, HS256), so that the tests do not trust the gateway's own
/// token code to judge it: an expired one, one signed with another key, one with "alg": "none".
/// </summary>
public static class TestTokens
{
    public static string Consumer(long consumerId, DateTimeOffset expires, string signingKey = SystemCatalog.DemoSigningKey, string algorithm = "HS256") =>
        Sign(new Dictionary<string, object>
        {
            ["sub"] = consumerId.ToString(),
            ["consumer_id"] = consumerId.ToString(),
            ["role"] = "consumer",
            ["iss"] = "ftgo-gateway",
            ["aud"] = "ftgo",
            ["iat"] = expires.AddHours(-1).ToUnixTimeSeconds(),
            ["nbf"] = expires.AddHours(-1).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        }, signingKey, algorithm);

    private static string Sign(Dictionary<string, object> claims, string signingKey, string algorithm)
    {
        var unsigned = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" })) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = algorithm == "none" ? "" : Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(unsigned)));
        return unsigned + "." + signature;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
