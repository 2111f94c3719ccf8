using FoodOrdering.Gateway.Security;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace FoodOrdering.Gateway;

/// <summary>
/// <c>GET /api/_admin/circuits</c> (admins only): the gateway's breakers are YARP's health states, one per
/// destination: a destination the active probe (<c>/health/ready</c>) or the passive check (failed
/// requests) marked Unhealthy gets no requests until it is reactivated, as an open circuit.
/// </summary>
public static class GatewayAdmin
{
    public static WebApplication MapGatewayAdmin(this WebApplication app)
    {
        app.MapGet("/api/_admin/circuits", Circuits).RequireAuthorization(EdgeSecurity.AdminPolicy).WithTags("Admin").WithName("GetCircuits");
        return app;
    }

    public static IReadOnlyList<DestinationCircuit> Circuits(IProxyStateLookup proxy) =>
    [
        .. proxy.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).SelectMany(cluster => cluster.Destinations.Values
            .OrderBy(d => d.DestinationId, StringComparer.Ordinal)
            .Select(d => new DestinationCircuit(cluster.ClusterId, d.DestinationId, d.Model.Config.Address,
                d.Health.Active == DestinationHealth.Unhealthy || d.Health.Passive == DestinationHealth.Unhealthy ? "Open" : "Closed",
                d.Health.Active.ToString(), d.Health.Passive.ToString(), d.ConcurrentRequestCount))),
    ];
}

/// <summary>One destination of a cluster (kitchen-2 of kitchen) as the gateway's breaker sees it.</summary>
/// <param name="Cluster">The service, as in the ReverseProxy section.</param>
/// <param name="Destination">The instance.</param>
/// <param name="Address">Where the gateway sends its requests.</param>
/// <param name="State">Open: the destination gets no requests; Closed: it does.</param>
/// <param name="Active">What the last probes said: Unknown (not probed yet), Healthy, Unhealthy.</param>
/// <param name="Passive">What failed requests said: Unknown, Healthy, Unhealthy (until its reactivation period passes).</param>
/// <param name="ConcurrentRequests">Requests in flight to it now.</param>
public sealed record DestinationCircuit(string Cluster, string Destination, string Address, string State, string Active, string Passive, int ConcurrentRequests);
