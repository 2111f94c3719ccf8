using FoodOrdering.Gateway.Security;
using FoodOrdering.ServiceDefaults.Resilience;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace FoodOrdering.Gateway;

/// <summary>
/// <c>GET /api/_admin/circuits</c> (admins only): the gateway's two defences against a failing service, side by side.
/// <list type="bullet">
/// <item><c>breakers</c>: the circuit breaker of each downstream service (Polly, from the shared service proxy
/// block), one per service, shared by the gateway's gRPC calls (API composition) and its REST forwarding:
/// closed (calls flow), open (calls fail fast), half_open (one probe call is let through). State changes
/// are logged and exported as the metrics <c>ftgo.circuit_breaker.*</c>.</item>
/// <item><c>destinations</c>: YARP's health of each instance: a destination the active probe
/// (<c>/health/ready</c>) or the passive check (failed requests) marked Unhealthy gets no requests until it
/// is reactivated. That skips one broken instance among several; the breaker protects the caller from the
/// whole service.</item>
/// </list>
/// </summary>
public static class GatewayAdmin
{
    public static WebApplication MapGatewayAdmin(this WebApplication app)
    {
        app.MapGet("/api/_admin/circuits", Circuits).RequireAuthorization(EdgeSecurity.AdminPolicy).WithTags("Admin").WithName("GetCircuits");
        return app;
    }

    public static GatewayCircuits Circuits(CircuitBreakers breakers, IProxyStateLookup proxy) => new(
        [.. breakers.All.Select(b => new BreakerStatus(b.Downstream, ServiceProxyTelemetry.StateName(b.State), b.Since))],
        [
            .. proxy.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).SelectMany(cluster => cluster.Destinations.Values
                .OrderBy(d => d.DestinationId, StringComparer.Ordinal)
                .Select(d => new DestinationStatus(cluster.ClusterId, d.DestinationId, d.Model.Config.Address,
                    d.Health.Active == DestinationHealth.Unhealthy || d.Health.Passive == DestinationHealth.Unhealthy ? "Open" : "Closed",
                    d.Health.Active.ToString(), d.Health.Passive.ToString(), d.ConcurrentRequestCount))),
        ]);
}

/// <summary>What <c>/api/_admin/circuits</c> answers: each downstream's breaker, and each instance's health.</summary>
public sealed record GatewayCircuits(IReadOnlyList<BreakerStatus> Breakers, IReadOnlyList<DestinationStatus> Destinations);

/// <summary>The circuit breaker of one downstream service.</summary>
/// <param name="Downstream">The service, as in <c>Downstreams:{name}</c> and the ReverseProxy cluster.</param>
/// <param name="State">closed, open, half_open (isolated: held open by hand), as in the metric <c>ftgo.circuit_breaker.transitions</c>.</param>
/// <param name="Since">When it entered this state; null while it has never changed.</param>
public sealed record BreakerStatus(string Downstream, string State, DateTimeOffset? Since);

/// <summary>One destination of a cluster (kitchen-2 of kitchen) as YARP's health checks see it.</summary>
/// <param name="Cluster">The service, as in the ReverseProxy section.</param>
/// <param name="Destination">The instance.</param>
/// <param name="Address">Where the gateway sends its requests.</param>
/// <param name="State">Open: the destination gets no requests; Closed: it does.</param>
/// <param name="Active">What the last probes said: Unknown (not probed yet), Healthy, Unhealthy.</param>
/// <param name="Passive">What failed requests said: Unknown, Healthy, Unhealthy (until its reactivation period passes).</param>
/// <param name="ConcurrentRequests">Requests in flight to it now.</param>
public sealed record DestinationStatus(string Cluster, string Destination, string Address, string State, string Active, string Passive, int ConcurrentRequests);
