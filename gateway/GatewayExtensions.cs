using FoodOrdering.Gateway.Composition;
using FoodOrdering.Gateway.Routing;
using FoodOrdering.Gateway.Security;
using FoodOrdering.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Swashbuckle.AspNetCore.SwaggerUI;
using Yarp.ReverseProxy.Forwarder;

namespace FoodOrdering.Gateway;

/// <summary>
/// Everything the gateway registers. The routes themselves are configuration (appsettings.json,
/// section <c>ReverseProxy</c>): which paths go to which service, which policy guards them, their timeouts.
/// Code adds what configuration cannot say: where the services are (<see cref="DownstreamDestinations"/>),
/// who the caller is (<see cref="EdgeSecurity"/>, <see cref="IdentityHeaders"/>), which address is the client's
/// behind a proxy (<see cref="TrustedProxies"/>), how much a client may ask (<see cref="ClientRateLimiting"/>), errors as problem details (<see cref="ProxyErrors"/>), a circuit
/// breaker per service (<see cref="ServiceProxyForwarderHttpClientFactory"/>), and the endpoints the gateway
/// answers itself: an API composition (<see cref="OrderDetailsApi"/>) and, for admins, the breakers
/// (<see cref="GatewayAdmin"/>) and each service's fault switch (<see cref="FaultSwitch"/>).
/// </summary>
public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DownstreamDestinations>()
            .AddConfigFilter<RequestBodyLimit>()
            .AddTransforms<IdentityHeaders>()
            .AddTransforms<ApiPrefixInLocation>();
        builder.AddApiComposition();
        // After AddApiComposition: the forwarding uses the service proxy pipelines it registers.
        builder.Services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, ServiceProxyForwarderHttpClientFactory>());
        // Per-route "Timeout" in the ReverseProxy section is enforced by ASP.NET Core's request timeouts.
        builder.Services.AddRequestTimeouts();

        builder.AddEdgeSecurity();
        builder.AddTrustedProxies();
        builder.AddClientRateLimiting();

        builder.AddFaultSwitch();
        builder.Services.AddHttpClient(DownstreamReadiness.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(2));
        builder.Services.AddHealthChecks().AddCheck<DownstreamReadiness>("downstreams", tags: [ServiceDefaultsExtensions.ReadyTag]);

        // One Swagger UI for every service: each document is proxied by the swagger-{service} routes.
        builder.Services.Configure<SwaggerUIOptions>(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "gateway v1");
            foreach (var document in builder.Configuration.GetSection("Gateway:OpenApiDocuments").GetChildren())
            {
                foreach (var version in document.Get<string[]>() ?? [])
                {
                    ui.SwaggerEndpoint($"/swagger/{document.Key}/{version}/swagger.json", $"{document.Key} {version}");
                }
            }
        });
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        // Before the rate limiter and the proxy: both see the client behind a trusted proxy, not the proxy.
        app.UseTrustedProxies();
        app.UseRequestTimeouts();
        app.UseAuthentication();
        // After authentication, so that a client is its token's subject; before authorization, so that
        // refused attempts count too.
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapDemoTokens();
        app.MapGatewayAdmin();
        app.MapFaultSwitch();
        app.MapOrderDetails();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ProxyErrors.AsProblemDetailsAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
