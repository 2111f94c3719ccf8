using Yarp.ReverseProxy.Configuration;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// The largest request body a route forwards: <c>Gateway:MaxRequestBodySize</c> bytes, unless the route
/// sets its own <c>MaxRequestBodySize</c>. YARP lifts the server's limit for proxied requests, so the
/// gateway's limit is set per route; a larger body is refused with 413 before the service gets it whole.
/// </summary>
public sealed class RequestBodyLimit(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancellationToken) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancellationToken) =>
        ValueTask.FromResult(route.MaxRequestBodySize is null
            ? route with { MaxRequestBodySize = configuration.GetValue<long>("Gateway:MaxRequestBodySize", 1024 * 1024) }
            : route);
}
