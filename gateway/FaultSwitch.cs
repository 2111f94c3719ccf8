using System.Net;
using FoodOrdering.Gateway.Security;
using FoodOrdering.ServiceDefaults.Faults;
using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy;

namespace FoodOrdering.Gateway;

/// <summary>
/// <c>GET/POST/DELETE /api/_admin/faults/{service}</c> (admins only): the fault-injection switch
/// (<c>/_admin/faults</c>, see <see cref="FaultSetting"/>) of every instance of one service, through the
/// gateway. A workshop slows Kitchen down from the public entry, also under docker compose, where the
/// services are not published; with two Kitchen instances both are slowed, as a real outage would.
/// The gateway calls each instance's own endpoint directly, never through the service's circuit breaker:
/// an admin must be able to clear a fault while the breaker it opened is still open. A service started
/// without fault injection has no switch, and neither has the gateway for it: 404.
/// </summary>
public static class FaultSwitch
{
    public const string HttpClientName = "fault-switch";

    public static WebApplicationBuilder AddFaultSwitch(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        return builder;
    }

    public static WebApplication MapFaultSwitch(this WebApplication app)
    {
        var faults = app.MapGroup("/api/_admin/faults/{service}").RequireAuthorization(EdgeSecurity.AdminPolicy).WithTags("Admin")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status502BadGateway);
        faults.MapGet("", (string service, IProxyStateLookup proxy, IHttpClientFactory http, CancellationToken cancellationToken) =>
            SwitchAsync(service, HttpMethod.Get, setting: null, proxy, http, cancellationToken)).WithName("GetFaults");
        faults.MapPost("", (string service, FaultSetting setting, IProxyStateLookup proxy, IHttpClientFactory http, CancellationToken cancellationToken) =>
            // Checked here first, so that a bad setting reaches no instance (400 names the field).
            SwitchAsync(service, HttpMethod.Post, setting.Validated(), proxy, http, cancellationToken)).WithName("SetFaults")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        faults.MapDelete("", (string service, IProxyStateLookup proxy, IHttpClientFactory http, CancellationToken cancellationToken) =>
            SwitchAsync(service, HttpMethod.Delete, setting: null, proxy, http, cancellationToken)).WithName("ClearFaults");
        return app;
    }

    private static async Task<Results<Ok<ServiceFaults>, ProblemHttpResult>> SwitchAsync(string service, HttpMethod method, FaultSetting? setting,
        IProxyStateLookup proxy, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetCluster(service, out var cluster))
        {
            var known = string.Join(", ", proxy.GetClusters().Select(c => c.ClusterId).Order(StringComparer.Ordinal));
            return TypedResults.Problem($"There is no service named '{service}'; the services are {known}.", statusCode: StatusCodes.Status404NotFound,
                title: "Unknown service");
        }

        var client = http.CreateClient(HttpClientName);
        var instances = new List<InstanceFaults>();
        // One instance after the other, in name order: a few instances, and the answer lists them in that order.
        foreach (var destination in cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal))
        {
            var address = destination.Model.Config.Address;
            using var request = new HttpRequestMessage(method, new Uri(new Uri(address), FaultInjectionExtensions.AdminPath));
            if (setting is not null)
            {
                request.Content = JsonContent.Create(setting);
            }
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return TypedResults.Problem($"The {service} instance {destination.DestinationId} did not answer{Changed(method, instances)}",
                    statusCode: StatusCodes.Status502BadGateway, title: $"The {service} service could not be reached");
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return TypedResults.Problem(
                        $"The {service} instance {destination.DestinationId} runs without fault injection: start the system with `./ftgo up --faults` or `FTGO_FAULTS_ENABLED=true docker compose up`.",
                        statusCode: StatusCodes.Status404NotFound, title: "Fault injection is off");
                }
                if (!response.IsSuccessStatusCode)
                {
                    return TypedResults.Problem($"The {service} instance {destination.DestinationId} answered {(int)response.StatusCode}{Changed(method, instances)}",
                        statusCode: StatusCodes.Status502BadGateway, title: $"The {service} service refused the fault setting");
                }
                var now = method == HttpMethod.Delete ? FaultSetting.None : await response.Content.ReadFromJsonAsync<FaultSetting>(cancellationToken);
                instances.Add(new InstanceFaults(destination.DestinationId, address, now ?? FaultSetting.None));
            }
        }
        return TypedResults.Ok(new ServiceFaults(service, instances));
    }

    /// <summary>What a failed POST or DELETE had already changed (the instances before the one that failed); a GET changes nothing.</summary>
    private static string Changed(HttpMethod method, List<InstanceFaults> done) =>
        method == HttpMethod.Get ? "."
        : done.Count == 0 ? "; no instance was changed."
        : $"; already changed: {string.Join(", ", done.Select(i => i.Destination))}.";
}

/// <summary>What <c>/api/_admin/faults/{service}</c> answers: the fault setting each instance holds now.</summary>
/// <param name="Service">The service, as in the ReverseProxy section's clusters.</param>
/// <param name="Instances">Every instance, in name order.</param>
public sealed record ServiceFaults(string Service, IReadOnlyList<InstanceFaults> Instances);

/// <summary>One instance's fault setting.</summary>
/// <param name="Destination">The instance (kitchen, kitchen-2), as in <c>/api/_admin/circuits</c>.</param>
/// <param name="Address">Where its switch is.</param>
/// <param name="Setting">What it injects now (DELETE: nothing).</param>
public sealed record InstanceFaults(string Destination, string Address, FaultSetting Setting);
