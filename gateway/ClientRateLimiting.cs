using System.Globalization;
using System.Threading.RateLimiting;

namespace FoodOrdering.Gateway;

/// <summary>
/// How many API requests one client may make: <c>Gateway:RateLimit:PermitLimit</c> per
/// <c>Gateway:RateLimit:Window</c> (a fixed window), per client = the token's subject, or the IP address
/// without one (behind a trusted proxy, the client's it names: <see cref="TrustedProxies"/>). Past it: 429 with Retry-After and problem details; other clients are not affected.
/// Health, metrics and Swagger are not counted.
/// </summary>
public static class ClientRateLimiting
{
    public static WebApplicationBuilder AddClientRateLimiting(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection("Gateway:RateLimit");
        var permitLimit = limits.GetValue("PermitLimit", 200);
        var window = limits.GetValue("Window", TimeSpan.FromSeconds(10));
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.Request.Path.StartsWithSegments("/api")
                ? RateLimitPartition.GetFixedWindowLimiter(ClientOf(http),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permitLimit, Window = window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("not counted"));
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {permitLimit} requests per {window.TotalSeconds:0.#} s per client; Retry-After says when to try again.",
                    },
                });
            };
        });
        return builder;
    }

    /// <summary>The token's subject when the request has a valid one, else the caller's IP address.</summary>
    public static string ClientOf(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.Identity.Name is { } subject
            ? "sub:" + subject
            : "ip:" + http.Connection.RemoteIpAddress;
}
