using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// ONE system for the composition and breaker proofs: every service with fault injection on (as `./ftgo demo`
/// starts them), the gateway with a 1 s composition budget and a Kitchen breaker that opens once at least 4
/// calls in 5 s all failed and stays open 3 s (so that one failed part among successes never opens it); one
/// approved order of one consumer, placed through the gateway. Its tests share the fault settings and the
/// breakers, so they run one after the other, and each leaves them as it found them.
/// </summary>
public sealed class CompositionSystem : IAsyncLifetime
{
    public const string Name = "composition system";
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    public const int BreakerMinimumThroughput = 4;

    public TestSystem Test { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };
    public long ConsumerId { get; private set; }
    public long RestaurantId { get; private set; }
    public long OrderId { get; private set; }
    public string ConsumerToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Test = await TestSystem.StartAsync(faultsEnabled: true, gatewaySettings: new Dictionary<string, string>
        {
            ["Gateway__RateLimit__PermitLimit"] = "1000000",
            ["Gateway__Composition__Budget"] = Budget.ToString(),
            ["Downstreams__kitchen__CircuitBreaker__MinimumThroughput"] = BreakerMinimumThroughput.ToString(),
            ["Downstreams__kitchen__CircuitBreaker__FailureRatio"] = "1.0",
            ["Downstreams__kitchen__CircuitBreaker__SamplingDuration"] = "00:00:05",
            ["Downstreams__kitchen__CircuitBreaker__BreakDuration"] = "00:00:03",
        });
        Http.BaseAddress = new Uri(Test.Service("gateway").BaseUrl);
        try
        {
            ConsumerId = await GatewaySystem.SignUpAsync(Http);
            await GatewaySystem.WaitForAccountAsync(Http, ConsumerId);
            RestaurantId = await GatewaySystem.OpenRestaurantAsync(Http);
            ConsumerToken = await GatewaySystem.ConsumerTokenAsync(Http, ConsumerId);
            AdminToken = await GatewaySystem.AdminTokenAsync(Http);
            OrderId = await GatewaySystem.PlaceOrderAsync(Http, ConsumerId, RestaurantId, ConsumerToken);
            // Approved: CreateOrderSaga has a ticket from Kitchen and an authorization from Accounting, so every part exists.
            await Wait.UntilAsync(async _ => (await DetailsAsync(ConsumerToken)).Body?["order"]?["state"]?.GetValue<string>() == "APPROVED",
                TimeSpan.FromSeconds(60), $"order {OrderId} to be approved", CancellationToken.None);
        }
        catch (Exception e)
        {
            // Only the services' own lines say why (CI once saw the gateway's order breaker open for a whole minute).
            throw new InvalidOperationException($"The {Name} did not get its approved order: {e.Message}{Environment.NewLine}{Test.Explain()}", e);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (Test is not null)
        {
            await Test.DisposeAsync();
        }
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body, TimeSpan Elapsed)> DetailsAsync(string token, long? orderId = null)
    {
        var elapsed = Stopwatch.StartNew();
        using var response = await GatewaySystem.Send(Http, HttpMethod.Get, $"/api/v1/orders/{orderId ?? OrderId}/details", token);
        elapsed.Stop();
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonNode>(), elapsed.Elapsed);
    }

    /// <summary>The fault setting of <paramref name="service"/>, set by an admin through the gateway (as the walkthrough does).</summary>
    public async Task SetFaultsAsync(string service, object setting)
    {
        using var response = await GatewaySystem.Send(Http, HttpMethod.Post, $"/api/_admin/faults/{service}", AdminToken, setting);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"set faults of {service}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task ClearFaultsAsync(string service)
    {
        using var response = await GatewaySystem.Send(Http, HttpMethod.Delete, $"/api/_admin/faults/{service}", AdminToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"clear faults of {service}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The state of <paramref name="downstream"/>'s breaker in <c>/api/_admin/circuits</c>.</summary>
    public async Task<string> BreakerStateAsync(string downstream)
    {
        using var response = await GatewaySystem.Send(Http, HttpMethod.Get, "/api/_admin/circuits", AdminToken);
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"circuits: {(int)response.StatusCode} {body}");
        return body!["breakers"]!.AsArray().Single(b => b!["downstream"]!.GetValue<string>() == downstream)!["state"]!.GetValue<string>();
    }
}

/// <summary>
/// API composition through the gateway (<c>GET /api/v1/orders/{orderId}/details</c>) against the real
/// services: every part, each part failing in turn (an injected error, injected latency past the budget,
/// a stopped process), the order required, and who may see it.
/// </summary>
[Collection(CompositionSystem.Name)]
public sealed class GatewayCompositionTests(CompositionSystem system)
{
    [Fact]
    public async Task Composes_the_order_with_its_consumer_ticket_and_authorization()
    {
        var (status, body, _) = await system.DetailsAsync(system.ConsumerToken);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Equal(system.OrderId, body!["order"]!["orderId"]!.GetValue<long>());
        Assert.Equal(system.ConsumerId, body["consumer"]!["consumerId"]!.GetValue<long>());
        Assert.Equal("Ada", body["consumer"]!["firstName"]!.GetValue<string>());
        Assert.Equal(body["order"]!["ticketId"]!.GetValue<long>(), body["ticket"]!["ticketId"]!.GetValue<long>());
        Assert.Equal(system.RestaurantId, body["ticket"]!["restaurantId"]!.GetValue<long>());
        Assert.Equal("AUTHORIZED", body["authorization"]!["state"]!.GetValue<string>());
        Assert.Equal(body["order"]!["orderTotal"]!.GetValue<string>(), body["authorization"]!["amount"]!.GetValue<string>());
        Assert.Empty(body["warnings"]!.AsArray());
    }

    [Fact]
    public async Task An_unknown_order_is_404_another_consumers_order_403_and_an_admin_sees_every_order()
    {
        var unknown = await system.DetailsAsync(system.ConsumerToken, orderId: 999_999_999);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("Order not found", unknown.Body!["title"]!.GetValue<string>());

        var other = await system.DetailsAsync(await GatewaySystem.ConsumerTokenAsync(system.Http, system.ConsumerId + 1000));
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal("Not your order", other.Body!["title"]!.GetValue<string>());

        var admin = await system.DetailsAsync(system.AdminToken);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Equal(system.ConsumerId, admin.Body!["order"]!["consumerId"]!.GetValue<long>());

        using var anonymous = await GatewaySystem.Send(system.Http, HttpMethod.Get, $"/api/v1/orders/{system.OrderId}/details");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("consumer", "consumer")]
    [InlineData("kitchen", "ticket")]
    [InlineData("accounting", "authorization")]
    public async Task A_part_whose_service_fails_is_null_with_a_warning_and_the_rest_is_served(string service, string part)
    {
        await system.SetFaultsAsync(service, new { errorRatio = 1.0, scope = "grpc" });
        try
        {
            var (status, body, _) = await system.DetailsAsync(system.ConsumerToken);

            Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
            AssertOnlyMissing(body!, part, $"the {service} service failed: gRPC Unavailable");
        }
        finally
        {
            await system.ClearFaultsAsync(service);
        }
    }

    [Theory]
    [InlineData("consumer", "consumer")]
    [InlineData("kitchen", "ticket")]
    [InlineData("accounting", "authorization")]
    public async Task A_part_slower_than_the_budget_is_null_with_a_warning_and_the_answer_keeps_the_budget(string service, string part)
    {
        await system.SetFaultsAsync(service, new { latencyMs = 30_000, scope = "grpc" });
        try
        {
            var (status, body, elapsed) = await system.DetailsAsync(system.ConsumerToken);

            Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
            AssertOnlyMissing(body!, part, $"the {service} service did not answer within the budget of 1000 ms");
            // The budget is 1 s and the injected latency 30 s: a generous bound for a loaded machine still tells them apart.
            Assert.True(elapsed < CompositionSystem.Budget + TimeSpan.FromSeconds(4), $"took {elapsed}");
        }
        finally
        {
            await system.ClearFaultsAsync(service);
        }
    }

    [Fact]
    public async Task A_part_whose_service_is_stopped_is_null_with_a_warning_and_a_stopped_order_service_is_503()
    {
        var accounting = system.Test.Service("accounting");
        await accounting.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            var (status, body, _) = await system.DetailsAsync(system.ConsumerToken);
            Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
            AssertOnlyMissing(body!, "authorization", "the accounting service failed: gRPC Unavailable");
        }
        finally
        {
            await system.Test.System.RestartAsync(accounting, CancellationToken.None);
        }

        var order = system.Test.Service("order");
        await order.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            var (status, body, _) = await system.DetailsAsync(system.ConsumerToken);
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status} {body}");
            Assert.Equal("The order service is unavailable", body!["title"]!.GetValue<string>());
            Assert.DoesNotContain("Exception", body.ToJsonString());
        }
        finally
        {
            await system.Test.System.RestartAsync(order, CancellationToken.None);
        }
        // Both back: the whole view again (the gRPC channels reconnect by themselves).
        await Wait.UntilAsync(async _ => (await system.DetailsAsync(system.ConsumerToken)).Body?["warnings"]?.AsArray().Count == 0,
            TimeSpan.FromSeconds(30), "the whole view once Accounting and Order are back", CancellationToken.None);
    }

    private static void AssertOnlyMissing(JsonNode body, string part, string reason)
    {
        Assert.Null(body[part]);
        var warning = Assert.Single(body["warnings"]!.AsArray());
        Assert.Equal(part, warning!["part"]!.GetValue<string>());
        Assert.StartsWith(reason, warning["reason"]!.GetValue<string>());
        Assert.NotNull(body["order"]);
        foreach (var other in new[] { "consumer", "ticket", "authorization" }.Where(p => p != part))
        {
            Assert.NotNull(body[other]);
        }
    }
}

[CollectionDefinition(CompositionSystem.Name)]
public sealed class CompositionSystemCollection : ICollectionFixture<CompositionSystem>
{
}
