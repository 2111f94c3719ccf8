using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Gateway.Tests;

/// <summary>Requests through the gateway to the real services, and to the probe that shows what arrives.</summary>
[Collection(GatewaySystem.Name)]
public sealed class GatewayForwardingTests(GatewaySystem gateway)
{
    [Fact]
    public async Task Methods_bodies_status_codes_and_locations_go_through_to_the_owning_service()
    {
        var consumerId = await gateway.SignUpAsync(); // POST, 201, Location under /api
        var token = await GatewaySystem.ConsumerTokenAsync(gateway.Http, consumerId);

        using (var read = await gateway.SendAsync(HttpMethod.Get, $"/api/v1/consumers/{consumerId}", token))
        {
            var consumer = await read.Content.ReadFromJsonAsync<JsonNode>();
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("1000.00", consumer!["orderLimit"]!.GetValue<string>());
        }
        // The service's own errors come through as they are: 400 naming the field, 404.
        using (var invalid = await gateway.SendAsync(HttpMethod.Post, "/api/v1/consumers", body: new { name = new { firstName = "Ada" }, orderLimit = "-1" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
            Assert.NotNull((await invalid.Content.ReadFromJsonAsync<JsonNode>())!["errors"]);
        }
        using (var missing = await gateway.SendAsync(HttpMethod.Get, "/api/v1/consumers/999999999", token))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        // PUT with a body, to the Kitchen service, as an admin.
        var restaurantId = await gateway.OpenRestaurantAsync();
        using (var revised = await gateway.SendAsync(HttpMethod.Put, $"/api/v1/restaurants/{restaurantId}/menu", await GatewaySystem.AdminTokenAsync(gateway.Http),
            new { menuItems = new[] { new { id = "1", name = "Chicken Vindaloo", price = "13.00" } } }))
        {
            Assert.True(revised.IsSuccessStatusCode, $"PUT menu: {(int)revised.StatusCode} {await revised.Content.ReadAsStringAsync()}");
        }
        var restaurant = await gateway.Http.GetFromJsonAsync<JsonNode>($"/api/v1/restaurants/{restaurantId}"); // anonymous read
        Assert.Equal("13.00", restaurant!["menu"]!["menuItems"]![0]!["price"]!.GetValue<string>());
        // A path no route matches is the gateway's own 404, not forwarded anywhere.
        using var unknown = await gateway.SendAsync(HttpMethod.Get, "/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_callers_trace_continues_into_the_service_through_the_gateways_span()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        var traceparent = $"00-{traceId}-{clientSpan}-01";

        // The Consumer service's 404 carries the trace id its own span ran under.
        var token = await GatewaySystem.ConsumerTokenAsync(gateway.Http, 5);
        using var missing = await gateway.SendAsync(HttpMethod.Get, "/api/v1/consumers/999999998", token, null, ("traceparent", traceparent));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(traceId.ToString(), (await missing.Content.ReadFromJsonAsync<JsonNode>())!["traceId"]!.GetValue<string>());

        // What arrives: the same trace, with the gateway's span as the parent (not the client's).
        var probed = await ProbeAsync(HttpMethod.Get, "/api/probe/trace", null, ("traceparent", traceparent));
        var forwarded = Assert.Single(probed.Header("traceparent")).Split('-');
        Assert.Equal(traceId.ToString(), forwarded[1]);
        Assert.NotEqual(clientSpan.ToString(), forwarded[2]);
    }

    [Fact]
    public async Task The_service_receives_the_path_query_headers_and_X_Forwarded_headers()
    {
        var probed = await ProbeAsync(HttpMethod.Delete, "/api/probe/things/7?color=red&size=2", null, ("X-Custom", "kept"), ("X-Forwarded-Prefix", "/spoofed"),
            ("X-Forwarded-For", "198.51.100.7"));

        Assert.Equal("DELETE", probed.Method);
        Assert.Equal("/probe/things/7?color=red&size=2", probed.PathAndQuery);
        Assert.Equal(["kept"], probed.Header("X-Custom"));
        Assert.Equal(["127.0.0.1"], probed.Header("X-Forwarded-For")); // the caller's address: no proxy is trusted here
        Assert.Equal(["http"], probed.Header("X-Forwarded-Proto"));
        Assert.Equal([new Uri(gateway.GatewayUrl).Authority], probed.Header("X-Forwarded-Host"));
        Assert.Equal(["/api"], probed.Header("X-Forwarded-Prefix")); // what the route took off the path, whatever the client sent
        // The downstream's status code comes back as it is.
        using var teapot = await gateway.SendAsync(HttpMethod.Get, "/api/probe/status?status=418");
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
    }

    [Fact]
    public async Task A_client_of_the_gateway_follows_the_orders_links_to_cancel_it()
    {
        var restaurantId = await gateway.OpenRestaurantAsync();
        var consumerId = await gateway.SignUpAsync();
        var token = await GatewaySystem.ConsumerTokenAsync(gateway.Http, consumerId);
        await GatewaySystem.WaitForAccountAsync(gateway.Http, consumerId);
        var orderId = await gateway.PlaceOrderAsync(consumerId, restaurantId, token);
        var self = $"/api/v1/orders/{orderId}"; // the Location of the POST (PlaceOrderAsync checks it); from here on, only links

        // The links are the gateway's paths (the Order service builds them from X-Forwarded-Prefix), for other services' resources too.
        JsonNode links = null!;
        await Wait.UntilAsync(async _ => (links = (await GetJsonAsync(self, token))["_links"]!)["cancel"] is not null, TimeSpan.FromSeconds(60),
            $"order {orderId} to be APPROVED, with a cancel link", CancellationToken.None, () => $"last links: {links}");
        Assert.Equal((self, $"/api/v1/consumers/{consumerId}"), (links["self"]!["href"]!.GetValue<string>(), links["consumer"]!["href"]!.GetValue<string>()));
        Assert.StartsWith("/api/v1/tickets/", links["ticket"]!["href"]!.GetValue<string>());
        Assert.Equal("Ada", (await GetJsonAsync(links["consumer"]!["href"]!.GetValue<string>(), token))["name"]!["firstName"]!.GetValue<string>());

        using var cancelled = await gateway.SendAsync(HttpMethod.Post, links["cancel"]!["href"]!.GetValue<string>(), token);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal(self, cancelled.Headers.Location!.OriginalString); // the prefix once, not twice
        await Wait.UntilAsync(async _ => (await GetJsonAsync(self, token))["state"]!.GetValue<string>() == "CANCELLED", TimeSpan.FromSeconds(60),
            $"order {orderId} to be CANCELLED", CancellationToken.None);
    }

    private async Task<JsonNode> GetJsonAsync(string path, string token)
    {
        using var response = await gateway.SendAsync(HttpMethod.Get, path, token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    [Fact]
    public async Task A_spoofed_identity_header_is_replaced_by_the_one_the_gateway_sets_from_the_token()
    {
        (string, string)[] spoofed = [("X-Ftgo-Consumer-Id", "1"), ("X-Ftgo-Role", "admin")];

        var anonymous = await ProbeAsync(HttpMethod.Get, "/api/probe/who", null, spoofed);
        Assert.Empty(anonymous.Header("X-Ftgo-Consumer-Id"));
        Assert.Empty(anonymous.Header("X-Ftgo-Role"));

        var consumer = await ProbeAsync(HttpMethod.Get, "/api/probe/who", await GatewaySystem.ConsumerTokenAsync(gateway.Http, 77), spoofed);
        Assert.Equal(["77"], consumer.Header("X-Ftgo-Consumer-Id"));
        Assert.Equal(["consumer"], consumer.Header("X-Ftgo-Role"));

        var admin = await ProbeAsync(HttpMethod.Get, "/api/probe/who", await GatewaySystem.AdminTokenAsync(gateway.Http), spoofed);
        Assert.Empty(admin.Header("X-Ftgo-Consumer-Id"));
        Assert.Equal(["admin"], admin.Header("X-Ftgo-Role"));
    }

    [Fact]
    public async Task A_large_body_arrives_whole_and_one_over_the_limit_is_refused_with_413()
    {
        var large = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var id = Guid.NewGuid().ToString();
        using (var request = new HttpRequestMessage(HttpMethod.Put, "/api/probe/upload") { Content = new ByteArrayContent(large) })
        {
            request.Headers.Add("X-Probe-Id", id);
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var probed = gateway.Probe.Received[id];
        Assert.Equal(large.Length, probed.BodyLength);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(large)), probed.BodySha256);

        // gateway/appsettings.json: Gateway:MaxRequestBodySize = 10 MiB.
        var tooLarge = new byte[11 * 1024 * 1024];
        var refusedId = Guid.NewGuid().ToString();
        using (var request = new HttpRequestMessage(HttpMethod.Put, "/api/probe/upload") { Content = new ByteArrayContent(tooLarge) })
        {
            request.Headers.Add("X-Probe-Id", refusedId);
            // Wait for the gateway's verdict before sending the body, as a polite client does (it would otherwise reset the connection mid-body).
            request.Headers.ExpectContinue = true;
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.False(gateway.Probe.Received.TryGetValue(refusedId, out var arrived) && arrived.BodyLength == tooLarge.Length,
            "the body over the limit reached the service whole");
    }

    [Fact]
    public async Task Both_kitchen_instances_serve_requests_and_a_stopped_one_is_skipped()
    {
        var restaurantId = await gateway.OpenRestaurantAsync();
        var path = $"/api/v1/restaurants/{restaurantId}";
        var kitchens = gateway.Test.Instances("kitchen");
        Assert.Equal(2, kitchens.Count);
        var before = await Task.WhenAll(kitchens.Select(k => RestaurantReadsAsync(k.BaseUrl)));

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Each instance counts the requests it served (its /metrics): both had some.
        await Wait.UntilAsync(async _ =>
            {
                var after = await Task.WhenAll(kitchens.Select(k => RestaurantReadsAsync(k.BaseUrl)));
                return after[0] > before[0] && after[1] > before[1] && after.Sum() - before.Sum() >= 20;
            },
            TimeSpan.FromSeconds(30), "both Kitchen instances to have served the reads", CancellationToken.None);

        var stopped = kitchens[1];
        await stopped.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            // A few requests may still meet the stopped instance until the gateway's health checks mark it;
            // then every request goes to the other one.
            await Wait.UntilAsync(async _ => await AllOkAsync(path, 10), TimeSpan.FromSeconds(60),
                "the gateway to skip the stopped Kitchen instance", CancellationToken.None);
            Assert.True(await AllOkAsync(path, 20), "a request failed after the stopped instance had been skipped");
            // The admin view of the destinations' health shows it open, the other closed.
            using var circuits = await gateway.SendAsync(HttpMethod.Get, "/api/_admin/circuits", await GatewaySystem.AdminTokenAsync(gateway.Http));
            var kitchenCircuits = (await circuits.Content.ReadFromJsonAsync<JsonNode>())!["destinations"]!.AsArray().Where(c => c!["cluster"]!.GetValue<string>() == "kitchen")
                .ToDictionary(c => c!["destination"]!.GetValue<string>(), c => c!["state"]!.GetValue<string>());
            Assert.Equal(new Dictionary<string, string> { ["kitchen"] = "Closed", ["kitchen-2"] = "Open" }, kitchenCircuits);
        }
        finally
        {
            await gateway.Test.System.RestartAsync(stopped, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Composed_reads_call_both_kitchen_instances_over_grpc()
    {
        var (path, token) = await OrderWithItsTicketAsync();
        var kitchens = gateway.Test.Instances("kitchen");
        Assert.Equal(2, kitchens.Count);
        var before = await Task.WhenAll(kitchens.Select(k => GrpcCallsAsync(k.BaseUrl, "KitchenService/GetTicket")));
        var after = before;

        // The gateway's gRPC channel to Kitchen balances round robin over both instances (Downstreams:kitchen:GrpcAddresses);
        // with one address every call went to the first. Each instance counts the calls it served (its /metrics).
        // (A Kitchen instance that a test restarted may still be in its reconnect backoff for a moment: more reads then.)
        await Wait.UntilAsync(async _ =>
            {
                for (var i = 0; i < 10; i++)
                {
                    using var response = await gateway.SendAsync(HttpMethod.Get, path, token);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                after = await Task.WhenAll(kitchens.Select(k => GrpcCallsAsync(k.BaseUrl, "KitchenService/GetTicket")));
                return after[0] > before[0] && after[1] > before[1];
            },
            TimeSpan.FromSeconds(30), "both Kitchen instances to have served the composition's GetTicket calls", CancellationToken.None,
            () => $"GetTicket calls served by kitchen, kitchen-2: before {string.Join(", ", before)}, after {string.Join(", ", after)}");
    }

    [Fact]
    public async Task Composed_reads_skip_a_stopped_kitchen_instance()
    {
        var (path, token) = await OrderWithItsTicketAsync();
        // The first instance: the one a single GrpcAddress would name, so that this fails without the balancer too.
        var stopped = gateway.Test.Instances("kitchen")[0];

        await stopped.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            // Round robin picks only instances it is connected to: once the channel has seen kitchen go away, every
            // composed read gets its ticket from kitchen-2 (a plain round robin over both addresses would lose every other one).
            await Wait.UntilAsync(_ => AllHaveTheTicketAsync(path, token, 10), TimeSpan.FromSeconds(60),
                "the composition's gRPC channel to skip the stopped Kitchen instance", CancellationToken.None);
            Assert.True(await AllHaveTheTicketAsync(path, token, 20), "a composed read lost its ticket after the stopped instance had been skipped");
        }
        finally
        {
            await gateway.Test.System.RestartAsync(stopped, CancellationToken.None);
        }
    }

    /// <summary>
    /// A new consumer's order, approved: its composed details (the returned path, read with the returned token) have
    /// the ticket, which the composition reads from Kitchen (GetTicket over gRPC).
    /// </summary>
    private async Task<(string Path, string Token)> OrderWithItsTicketAsync()
    {
        var consumerId = await gateway.SignUpAsync();
        var token = await GatewaySystem.ConsumerTokenAsync(gateway.Http, consumerId);
        var orderId = await gateway.PlaceOrderAsync(consumerId, await gateway.OpenRestaurantAsync(), token);
        var path = $"/api/v1/orders/{orderId}/details";
        await Wait.UntilAsync(_ => AllHaveTheTicketAsync(path, token, 1), TimeSpan.FromSeconds(60),
            $"order {orderId} to have its ticket in the composed details", CancellationToken.None);
        return (path, token);
    }

    private async Task<bool> AllHaveTheTicketAsync(string path, string token, int reads)
    {
        for (var i = 0; i < reads; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, path, token);
            if (response.StatusCode != HttpStatusCode.OK || (await response.Content.ReadFromJsonAsync<JsonNode>())?["ticket"]?["ticketId"] is null)
            {
                return false;
            }
        }
        return true;
    }

    private async Task<bool> AllOkAsync(string path, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, path);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>How many GET /v1/restaurants/{id} the instance has served, from its Prometheus metrics.</summary>
    private async Task<double> RestaurantReadsAsync(string baseUrl)
    {
        var metrics = await gateway.Http.GetStringAsync(baseUrl + "/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                && line.Contains("http_request_method=\"GET\"") && line.Contains("/v1/restaurants/{restaurantId"))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>How many gRPC calls of <paramref name="method"/> (service/method) the instance has served, from its Prometheus metrics.</summary>
    private async Task<double> GrpcCallsAsync(string baseUrl, string method)
    {
        var metrics = await gateway.Http.GetStringAsync(baseUrl + "/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && line.Contains($"{method}\""))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<ProbedRequest> ProbeAsync(HttpMethod method, string path, string? token, params (string Name, string Value)[] headers)
    {
        var id = Guid.NewGuid().ToString();
        using var response = await gateway.SendAsync(method, path, token, null, [.. headers, ("X-Probe-Id", id)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return gateway.Probe.Received[id];
    }
}
