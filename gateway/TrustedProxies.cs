using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace FoodOrdering.Gateway;

/// <summary>
/// Who the client is when a proxy stands in front of the gateway (the Kubernetes Ingress controller): the
/// connection comes from the proxy, which names the client in <c>X-Forwarded-For</c>. The header is believed
/// only from the networks in <c>Gateway:TrustedProxies</c> (CIDR, such as the cluster's pod network); then the
/// request's <c>RemoteIpAddress</c> becomes the client's, for the rate limiter (<see cref="ClientRateLimiting"/>)
/// and for the <c>X-Forwarded-For</c> the gateway sets toward the services. Empty by default: nobody is trusted,
/// so a client that writes <c>X-Forwarded-For</c> itself is still counted by its own address.
/// </summary>
public static class TrustedProxies
{
    public const string SectionName = "Gateway:TrustedProxies";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var networks = builder.Configuration.GetSection(SectionName).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // Only the client's address: the scheme, host and prefix the gateway passes on stay its own.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // ASP.NET Core trusts loopback by default: here only what is configured.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"{SectionName}: '{network}' is not a CIDR network (such as 10.244.0.0/16)."));
            }
            // X-Forwarded-For is read from the right, one entry per hop, while the hop that wrote it is trusted:
            // what a client wrote itself, further left, is never believed.
            forwarded.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>First in the gateway's pipeline, so that the rate limiter and the proxy see the real client.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        // With no known proxy at all, ForwardedHeadersMiddleware would believe every caller: then it is not used.
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}
