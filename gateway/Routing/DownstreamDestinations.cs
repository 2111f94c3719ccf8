using Yarp.ReverseProxy.Configuration;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// Each cluster's destinations from <c>Downstreams:{cluster}</c>, the configuration every process of the
/// system reads to find the others (compose/k8s: platform DNS names; `./ftgo up`: the launcher's ports):
/// <c>HttpAddresses</c> lists every instance (two Kitchen instances: two destinations, load balanced),
/// <c>HttpAddress</c> names one. Without either, the destinations written in the ReverseProxy section
/// (the default ports) stay.
/// </summary>
public sealed class DownstreamDestinations(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancellationToken)
    {
        var addresses = AddressesOf(configuration.GetSection($"Downstreams:{cluster.ClusterId}"));
        if (addresses.Length == 0)
        {
            return ValueTask.FromResult(cluster);
        }
        // kitchen, kitchen-2, ...: the names the launcher gives the instances.
        var destinations = addresses.Select((address, i) => (Name: i == 0 ? cluster.ClusterId : $"{cluster.ClusterId}-{i + 1}", Address: address))
            .ToDictionary(d => d.Name, d => new DestinationConfig { Address = d.Address }, StringComparer.OrdinalIgnoreCase);
        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancellationToken) =>
        ValueTask.FromResult(route);

    private static string[] AddressesOf(IConfigurationSection downstream) =>
        downstream.GetSection("HttpAddresses").Get<string[]>() is { Length: > 0 } all ? all
        : downstream["HttpAddress"] is { Length: > 0 } one ? [one]
        : [];
}
