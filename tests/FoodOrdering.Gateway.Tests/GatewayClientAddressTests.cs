using System.Net;
using FoodOrdering.Testing;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// Which address is the client's, for the rate limit (5 requests per client per minute) and for the
/// X-Forwarded-For the services receive: X-Forwarded-For is believed from a trusted proxy only
/// (<c>Gateway:TrustedProxies</c>). Each test starts a gateway of its own (no service: the probe is the
/// downstream), the test itself being the proxy on 127.0.0.1.
/// </summary>
public sealed class GatewayClientAddressTests
{
    private const int PermitLimit = 5;

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_it_names_has_a_limit_of_its_own_and_the_service_sees_that_client()
    {
        await using var probe = await HeaderProbe.StartAsync();
        await using var test = await StartGatewayAsync(probe, ("Gateway__TrustedProxies__0", "127.0.0.1/32"));
        using var http = new HttpClient { BaseAddress = new Uri(test.Service("gateway").BaseUrl) };

        for (var i = 0; i < PermitLimit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await AnonymousAsync(http, $"first-{i}", "203.0.113.1"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousAsync(http, "first-refused", "203.0.113.1"));
        // What the client wrote itself, left of the proxy's entry, is not believed: still the same client.
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousAsync(http, "first-spoofing", "198.51.100.7, 203.0.113.1"));

        // Another client behind the same proxy is served.
        Assert.Equal(HttpStatusCode.OK, await AnonymousAsync(http, "second", "203.0.113.2"));

        // The services are told the client, not the proxy.
        Assert.Equal(["203.0.113.1"], probe.Received["first-0"].Header("X-Forwarded-For"));
        Assert.Equal(["203.0.113.2"], probe.Received["second"].Header("X-Forwarded-For"));
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_client_that_changes_X_Forwarded_For_on_each_request_is_still_limited()
    {
        await using var probe = await HeaderProbe.StartAsync();
        await using var test = await StartGatewayAsync(probe); // Gateway:TrustedProxies as shipped: empty
        using var http = new HttpClient { BaseAddress = new Uri(test.Service("gateway").BaseUrl) };

        for (var i = 0; i < PermitLimit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await AnonymousAsync(http, $"spoofing-{i}", $"203.0.113.{i + 1}"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousAsync(http, "spoofing-refused", "203.0.113.99"));

        // The services are told the address the gateway saw, not what the client wrote.
        Assert.Equal(["127.0.0.1"], probe.Received["spoofing-0"].Header("X-Forwarded-For"));
    }

    private static Task<TestSystem> StartGatewayAsync(HeaderProbe probe, params (string Key, string Value)[] settings)
    {
        var gatewaySettings = new Dictionary<string, string>(probe.GatewayRoute())
        {
            ["Gateway__RateLimit__PermitLimit"] = PermitLimit.ToString(),
            ["Gateway__RateLimit__Window"] = "00:01:00",
        };
        foreach (var (key, value) in settings)
        {
            gatewaySettings[key] = value;
        }
        return TestSystem.StartAsync(["gateway"], gatewaySettings: gatewaySettings);
    }

    /// <summary>An anonymous request to the probe, as a proxy that names the client in X-Forwarded-For would send it.</summary>
    private static async Task<HttpStatusCode> AnonymousAsync(HttpClient http, string probeId, string forwardedFor)
    {
        using var response = await GatewaySystem.Send(http, HttpMethod.Get, $"/api/probe/client/{probeId}", null, null,
            ("X-Forwarded-For", forwardedFor), ("X-Probe-Id", probeId));
        return response.StatusCode;
    }
}
