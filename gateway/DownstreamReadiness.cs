using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace FoodOrdering.Gateway;

/// <summary>
/// The gateway's readiness includes every destination's <c>/health/ready</c>, asked in parallel:
/// Healthy when all answer, Degraded (still ready: the gateway serves the other services) naming the
/// ones that do not. <c>/health</c> shows each destination.
/// </summary>
public sealed class DownstreamReadiness(IProxyStateLookup proxy, IHttpClientFactory httpClients) : IHealthCheck
{
    public const string HttpClientName = "downstream-readiness";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var destinations = proxy.GetClusters().SelectMany(c => c.Destinations.Values)
            .Select(d => (Name: d.DestinationId, Address: d.Model.Config.Address)).DistinctBy(d => d.Address);
        var answers = await Task.WhenAll(destinations.Select(async d => (d.Name, Ready: await IsReadyAsync(d.Address, cancellationToken))));
        var data = answers.OrderBy(a => a.Name, StringComparer.Ordinal).ToDictionary(a => a.Name, a => (object)(a.Ready ? "ready" : "not ready"));
        var notReady = answers.Where(a => !a.Ready).Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
        return notReady.Count == 0
            ? HealthCheckResult.Healthy("Every downstream is ready.", data)
            : HealthCheckResult.Degraded($"Not ready: {string.Join(", ", notReady)}.", data: data);
    }

    private async Task<bool> IsReadyAsync(string address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(new Uri(new Uri(address), "/health/ready"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
