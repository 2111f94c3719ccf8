using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.ServiceDefaults.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Tests.Faults;

/// <summary>
/// Fault injection is switched on by configuration only (a demo-only endpoint, off by default), and its
/// admin endpoint refuses a bad setting without changing the current one. What the faults do to calls is
/// proven against the real Consumer service (tests/FoodOrdering.Grpc.Tests, FaultInjectionTests).
/// </summary>
public sealed class FaultInjectionSwitchTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Faults:Enabled", "false")]
    [InlineData("FTGO_FAULTS_ENABLED", "false")]
    public async Task Off_by_default_the_admin_endpoint_does_not_exist_and_no_injector_runs(string? key, string? value)
    {
        await using var app = await StartAsync(key, value);
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/_admin/faults")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/_admin/faults", new { errorRatio = 1.0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/_admin/faults")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/work")).StatusCode);
        Assert.Null(app.Services.GetService<FaultInjector>());
    }

    [Theory]
    [InlineData("Faults:Enabled")] // appsettings, or Faults__Enabled in the environment
    [InlineData("FTGO_FAULTS_ENABLED")] // what the launcher sets for `./ftgo demo` and `./ftgo up --faults`
    public async Task Either_setting_switches_it_on_and_the_setting_can_be_read_set_and_cleared(string key)
    {
        await using var app = await StartAsync(key, "true");
        using var client = app.GetTestClient();

        var initial = await client.GetFromJsonAsync<JsonObject>("/_admin/faults");
        var set = await client.PostAsJsonAsync("/_admin/faults", new { latencyMs = 5, errorRatio = 0.25, scope = "GRPC" });
        var afterSet = await client.GetFromJsonAsync<JsonObject>("/_admin/faults");
        var cleared = await client.DeleteAsync("/_admin/faults");
        var afterClear = await client.GetFromJsonAsync<JsonObject>("/_admin/faults");

        Assert.Equal("""{"latencyMs":0,"errorRatio":0,"scope":"all"}""", initial!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("""{"latencyMs":5,"errorRatio":0.25,"scope":"grpc"}""", afterSet!.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(initial.ToJsonString(), afterClear!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"latencyMs":-1}""", "latencyMs")]
    [InlineData("""{"latencyMs":60001}""", "latencyMs")]
    [InlineData("""{"errorRatio":1.5}""", "errorRatio")]
    [InlineData("""{"errorRatio":-0.1}""", "errorRatio")]
    [InlineData("""{"scope":"tcp"}""", "scope")]
    [InlineData("""{"latencyMs":"slow"}""", "$.latencyMs")]
    [InlineData("""{"latencyMs":""", "$")]
    public async Task A_bad_setting_is_400_naming_what_is_wrong_and_changes_nothing(string body, string named)
    {
        await using var app = await StartAsync("Faults:Enabled", "true");
        using var client = app.GetTestClient();
        (await client.PostAsJsonAsync("/_admin/faults", new { latencyMs = 7 })).EnsureSuccessStatusCode();

        var refused = await client.PostAsync("/_admin/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(7, (await client.GetFromJsonAsync<JsonObject>("/_admin/faults"))!["latencyMs"]!.GetValue<int>());
    }

    private static async Task<WebApplication> StartAsync(string? key, string? value)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (key is not null)
        {
            builder.Configuration[key] = value;
        }
        builder.AddServiceDefaults("Fault injection switch test");
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/work", () => "done");
        await app.StartAsync();
        return app;
    }
}
