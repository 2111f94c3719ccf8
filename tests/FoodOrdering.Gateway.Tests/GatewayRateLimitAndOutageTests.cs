using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Testing;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// A small system of its own (the Consumer service and the gateway, without fault injection, as `./ftgo up`
/// starts them) with a small rate limit: 5 requests per client per minute, so that the limit is reached on
/// purpose; and the Consumer service stopped (and started again, for the other tests).
/// </summary>
public sealed class GatewayRateLimitAndOutageTests : IAsyncLifetime
{
    private const int PermitLimit = 5;
    private TestSystem test = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        test = await TestSystem.StartAsync(["consumer", "gateway"], gatewaySettings: new Dictionary<string, string>
        {
            ["Gateway__RateLimit__PermitLimit"] = PermitLimit.ToString(),
            ["Gateway__RateLimit__Window"] = "00:01:00",
        });
        http = new HttpClient { BaseAddress = new Uri(test.Service("gateway").BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        http?.Dispose();
        if (test is not null)
        {
            await test.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_Retry_After_while_another_client_is_served()
    {
        // Tokens are API requests too (they count against the caller's IP): fetch both first.
        var (alice, bob) = (await GatewaySystem.ConsumerTokenAsync(http, 1001), await GatewaySystem.ConsumerTokenAsync(http, 1002));

        for (var i = 0; i < PermitLimit; i++)
        {
            using var allowed = await GatewaySystem.Send(http, HttpMethod.Get, "/api/v1/consumers/999999", alice);
            Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
        }
        using var refused = await GatewaySystem.Send(http, HttpMethod.Get, "/api/v1/consumers/999999", alice);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        // Another client (another token subject) has a limit of its own.
        using var other = await GatewaySystem.Send(http, HttpMethod.Get, "/api/v1/consumers/999999", bob);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        // Health is not an API request: never limited.
        using var health = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_stopped_service_is_502_or_503_problem_details_at_once_and_the_gateway_reports_itself_degraded()
    {
        var token = await GatewaySystem.ConsumerTokenAsync(http, 2001);
        using (var ready = await http.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        var consumer = test.Service("consumer");
        await consumer.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            await AssertServedAsOutageAsync(token);
        }
        finally
        {
            await test.System.RestartAsync(consumer, CancellationToken.None);
        }
    }

    private async Task AssertServedAsOutageAsync(string token)
    {

        var elapsed = Stopwatch.StartNew();
        using var response = await GatewaySystem.Send(http, HttpMethod.Get, "/api/v1/consumers/1", token);
        elapsed.Stop();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Contains("consumer service", problem["title"]!.GetValue<string>());
        Assert.NotNull(problem["traceId"]);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("   at ", text);
        // Not the route's 15 s timeout: a refused connection is known at once (generous bound for a loaded machine).
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"took {elapsed.Elapsed}");

        // Still ready (it serves the other services), but Degraded, naming the one that is down.
        using var readiness = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
        Assert.Equal("Degraded", await readiness.Content.ReadAsStringAsync());
        var health = await http.GetFromJsonAsync<JsonNode>("/health");
        Assert.Equal("not ready", health!["checks"]!["downstreams"]!["data"]!["consumer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_fault_injection_the_gateways_fault_switch_is_404_and_says_how_to_turn_it_on()
    {
        var admin = await GatewaySystem.AdminTokenAsync(http);

        using var response = await GatewaySystem.Send(http, HttpMethod.Post, "/api/_admin/faults/consumer", admin, new { errorRatio = 1.0 });

        var problem = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Fault injection is off", problem!["title"]!.GetValue<string>());
        Assert.Contains("./ftgo up --faults", problem["detail"]!.GetValue<string>());
    }
}
