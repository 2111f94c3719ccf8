using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FoodOrdering.Gateway.Tests;

/// <summary>
/// <c>/api/_admin/faults/{service}</c>: an admin sets, reads and clears the fault switch of every instance of a
/// service through the gateway (two Kitchen instances here), read back from each instance's own endpoint.
/// </summary>
[Collection(GatewaySystem.Name)]
public sealed class GatewayFaultSwitchTests(GatewaySystem gateway)
{
    [Fact]
    public async Task An_admin_sets_and_clears_the_faults_of_every_kitchen_instance_through_the_gateway()
    {
        var admin = await GatewaySystem.AdminTokenAsync(gateway.Http);
        var kitchens = gateway.Test.Instances("kitchen");
        Assert.Equal(2, kitchens.Count);
        try
        {
            // A harmless setting (1 ms on gRPC calls), so that the other tests of this system do not notice it.
            using var set = await gateway.SendAsync(HttpMethod.Post, "/api/_admin/faults/kitchen", admin, new { latencyMs = 1, scope = "GRPC" });
            var body = await set.Content.ReadFromJsonAsync<JsonNode>();
            Assert.True(set.StatusCode == HttpStatusCode.OK, $"{(int)set.StatusCode} {body}");
            Assert.Equal("kitchen", body!["service"]!.GetValue<string>());
            Assert.Equal(["kitchen", "kitchen-2"], body["instances"]!.AsArray().Select(i => i!["destination"]!.GetValue<string>()));
            Assert.Equal(kitchens.Select(k => k.BaseUrl), body["instances"]!.AsArray().Select(i => i!["address"]!.GetValue<string>()));
            Assert.All(body["instances"]!.AsArray(), i => Assert.Equal("grpc", i!["setting"]!["scope"]!.GetValue<string>()));
            foreach (var kitchen in kitchens)
            {
                var own = await OwnSettingAsync(kitchen.BaseUrl);
                Assert.Equal((1, "grpc"), (own["latencyMs"]!.GetValue<int>(), own["scope"]!.GetValue<string>()));
            }

            using var read = await gateway.SendAsync(HttpMethod.Get, "/api/_admin/faults/kitchen", admin);
            var current = await read.Content.ReadFromJsonAsync<JsonNode>();
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.All(current!["instances"]!.AsArray(), i => Assert.Equal(1, i!["setting"]!["latencyMs"]!.GetValue<int>()));
        }
        finally
        {
            using var cleared = await gateway.SendAsync(HttpMethod.Delete, "/api/_admin/faults/kitchen", admin);
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        }
        foreach (var kitchen in kitchens)
        {
            var own = await OwnSettingAsync(kitchen.BaseUrl);
            Assert.Equal((0, 0.0), (own["latencyMs"]!.GetValue<int>(), own["errorRatio"]!.GetValue<double>()));
        }
    }

    [Fact]
    public async Task A_bad_setting_is_400_naming_the_field_and_reaches_no_instance()
    {
        var admin = await GatewaySystem.AdminTokenAsync(gateway.Http);

        using var response = await gateway.SendAsync(HttpMethod.Post, "/api/_admin/faults/kitchen", admin, new { latencyMs = 5000, errorRatio = 2.0 });

        var problem = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("errorRatio", problem!["detail"]!.GetValue<string>());
        foreach (var kitchen in gateway.Test.Instances("kitchen"))
        {
            Assert.Equal(0, (await OwnSettingAsync(kitchen.BaseUrl))["latencyMs"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Only_an_admin_may_and_an_unknown_service_is_404()
    {
        var consumer = await GatewaySystem.ConsumerTokenAsync(gateway.Http, 31);
        var admin = await GatewaySystem.AdminTokenAsync(gateway.Http);

        using var anonymous = await gateway.SendAsync(HttpMethod.Post, "/api/_admin/faults/kitchen", body: new { errorRatio = 1.0 });
        using var notAdmin = await gateway.SendAsync(HttpMethod.Post, "/api/_admin/faults/kitchen", consumer, new { errorRatio = 1.0 });
        using var unknown = await gateway.SendAsync(HttpMethod.Get, "/api/_admin/faults/payments", admin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var problem = await unknown.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Contains("the services are accounting, consumer, kitchen, order", problem!["detail"]!.GetValue<string>());
        foreach (var kitchen in gateway.Test.Instances("kitchen"))
        {
            Assert.Equal(0.0, (await OwnSettingAsync(kitchen.BaseUrl))["errorRatio"]!.GetValue<double>());
        }
    }

    /// <summary>What the instance's own <c>/_admin/faults</c> says it injects now.</summary>
    private async Task<JsonNode> OwnSettingAsync(string baseUrl) =>
        (await gateway.Http.GetFromJsonAsync<JsonNode>($"{baseUrl}/_admin/faults"))!;
}
