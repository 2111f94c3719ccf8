using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// The gateway's circuit breaker for Kitchen, as a workshop watches it in <c>/api/_admin/circuits</c>: injected
/// errors on Kitchen's REST API open it (the gateway forwards through Kitchen's service proxy pipeline),
/// then the gateway fails fast, REST and composition alike (one breaker per service); after the break a probe
/// half-opens it, and its success closes it.
/// </summary>
[Collection(CompositionSystem.Name)]
public sealed class GatewayCircuitBreakerTests(CompositionSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private string RestaurantPath => $"/api/v1/restaurants/{system.RestaurantId}";

    [Fact]
    public async Task Kitchen_faults_open_the_breaker_it_fails_fast_then_a_probe_half_opens_and_closes_it()
    {
        Assert.Equal("closed", await system.BreakerStateAsync("kitchen"));
        await system.SetFaultsAsync("kitchen", new { errorRatio = 1.0, scope = "rest" });
        try
        {
            // Closed: each request reaches Kitchen and gets its (injected) 503, until enough of them failed.
            var failed = 0;
            await Wait.UntilAsync(async _ =>
                {
                    using var response = await GatewaySystem.Send(system.Http, HttpMethod.Get, RestaurantPath);
                    var problem = await response.Content.ReadFromJsonAsync<JsonNode>();
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    if (problem!["title"]!.GetValue<string>() == "Service unavailable (injected fault)")
                    {
                        failed++;
                    }
                    return await system.BreakerStateAsync("kitchen") == "open";
                },
                Patience, "the gateway's Kitchen breaker to open", CancellationToken.None);
            Assert.InRange(failed, CompositionSystem.BreakerMinimumThroughput, 1000);

            // Open: the gateway answers itself, without calling Kitchen, over REST and in the composition.
            using (var refused = await GatewaySystem.Send(system.Http, HttpMethod.Get, RestaurantPath))
            {
                var problem = await refused.Content.ReadFromJsonAsync<JsonNode>();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Equal("The kitchen service's circuit breaker is open", problem!["title"]!.GetValue<string>());
                Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            }
            var details = await system.DetailsAsync(system.ConsumerToken);
            Assert.Equal(HttpStatusCode.OK, details.Status);
            Assert.Null(details.Body!["ticket"]);
            Assert.StartsWith("the kitchen service's circuit breaker is open", details.Body["warnings"]![0]!["reason"]!.GetValue<string>());
            // Transitions are metrics too.
            Assert.Contains(MetricLines(await system.Http.GetStringAsync("/metrics")),
                l => l.StartsWith("ftgo_circuit_breaker_transitions", StringComparison.Ordinal) && l.Contains("downstream=\"kitchen\"") && l.Contains("state=\"open\""));

            // Kitchen recovers but is slow: once the break is over, the next request is the probe, and the
            // breaker is half-open while it is in flight.
            await system.SetFaultsAsync("kitchen", new { latencyMs = 3000, scope = "rest" });
            Task<HttpResponseMessage>? probe = null;
            await Wait.UntilAsync(async _ =>
                {
                    if (await system.BreakerStateAsync("kitchen") == "half_open")
                    {
                        return true;
                    }
                    if (probe is null || probe.IsCompleted)
                    {
                        probe?.Result.Dispose();
                        probe = GatewaySystem.Send(system.Http, HttpMethod.Get, RestaurantPath);
                    }
                    return false;
                },
                Patience, "the gateway's Kitchen breaker to half-open", CancellationToken.None);
            using (var probed = await probe!)
            {
                Assert.Equal(HttpStatusCode.OK, probed.StatusCode);
            }
            Assert.Equal("closed", await system.BreakerStateAsync("kitchen"));
        }
        finally
        {
            await system.ClearFaultsAsync("kitchen");
        }
        using var served = await GatewaySystem.Send(system.Http, HttpMethod.Get, RestaurantPath);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private static IEnumerable<string> MetricLines(string metrics) => metrics.Split('\n');
}
