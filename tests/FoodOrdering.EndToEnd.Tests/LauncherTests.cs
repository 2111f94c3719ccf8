using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// The launcher is the demo path and the test path: these tests start the real service processes
/// with its library, run `./ftgo demo` itself, and check that stopping leaves nothing behind.
/// </summary>
public sealed class LauncherTests
{
    [Fact]
    public async Task The_launcher_starts_every_service_as_a_process_that_answers_over_http()
    {
        int[] pids;
        await using (var test = await TestSystem.StartAsync())
        {
            var system = test.System;
            pids = [.. system.Services.Select(s => s.Process.Pid)];
            Assert.Equal(SystemCatalog.Services.Select(s => s.Name), system.Services.Select(s => s.Definition.Name));

            using var http = new HttpClient { BaseAddress = new Uri(test.Service("consumer").BaseUrl) };
            var created = await http.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "25.00" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var consumer = await http.GetFromJsonAsync<JsonNode>(created.Headers.Location);
            Assert.Equal("25.00", consumer!["orderLimit"]!.GetValue<string>());
        }

        Assert.All(pids, pid => Assert.False(Posix.IsAlive(pid), $"service process {pid} still runs"));
    }

    [Fact]
    public async Task Ftgo_demo_walks_through_the_system_and_Ctrl_C_stops_postgres_rabbitmq_epmd_and_every_service()
    {
        using var data = new LauncherDataFolder();
        await using var launcher = await LauncherProcess.StartAsync(sharedInfrastructure: false, ["demo", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder]);
        // Each demo step throws (and the launcher exits) if a response is not the one it expects.
        await launcher.WaitForLineAsync("Demo finished.", TimeSpan.FromMinutes(3));
        // The Order API part (issue 11): v2's money with its currency, the version chosen by media type, a 304 from
        // the ETag, the cancel taken from _links, and the activity gathered by the Order service.
        Assert.Contains("\"currency\"", launcher.Output);
        Assert.Contains("Content-Type: application/vnd.ftgo.order.v2+json", launcher.Output);
        Assert.Contains("If-None-Match: \"", launcher.Output);
        Assert.Contains("HTTP 304 Not Modified", launcher.Output);
        Assert.Matches(@"_links\.cancel\.href of the v1 answer above: (/api/v1/orders/\d+/cancel)\s", launcher.Output);
        Assert.Matches(@"curl -i http://127\.0\.0\.1:\d+/api/v1/consumers/\d+/activity -H ""Authorization: Bearer \$GRACE""", launcher.Output);
        // Public API operations go through the gateway with a token, as a client's would.
        Assert.Matches(@"curl -i -X POST http://127\.0\.0\.1:\d+/api/v1/orders -H 'Content-Type: application/json' -d '[^']*' -H ""Authorization: Bearer \$GRACE""", launcher.Output);
        Assert.Contains("\"missing\"", launcher.Output);
        // The demo is a teaching setting: every service injects faults on command.
        Assert.Contains("/_admin/faults", launcher.Output);
        Assert.Equal(HttpStatusCode.OK, await FaultsEndpointStatusAsync(launcher.Output, "kitchen"));
        // The launcher lists what it started (services, RabbitMQ, epmd, postmaster) for exactly this check.
        var started = data.StartedPids();
        Assert.Equal(SystemCatalog.Services.Count + 3, started.Count);
        Assert.NotEmpty(data.Processes());

        Posix.Signal(launcher.Pid, Posix.SigInt);
        await launcher.WaitForExitAsync(TimeSpan.FromMinutes(1));

        // Nothing that was started for this data folder survives: postmaster, beam.smp, epmd, services.
        await Wait.UntilAsync(_ => Task.FromResult(data.Processes().Count == 0), TimeSpan.FromSeconds(10),
            "every process of the launcher to end", CancellationToken.None,
            () => string.Join(Environment.NewLine, data.Processes()));
        Assert.All(started, pid => Assert.False(Posix.IsAlive(pid), $"process {pid} still runs"));
    }

    [Fact]
    public async Task Ftgo_up_with_two_kitchen_instances_starts_kitchen_2_with_ports_of_its_own()
    {
        using var data = new LauncherDataFolder();
        await using var launcher = await LauncherProcess.StartAsync(sharedInfrastructure: true,
            ["up", "--free-ports", "--no-trace-viewer", "--kitchen-instances", "2", "--data-dir", data.Folder]);
        await launcher.WaitForLineAsync("All healthy", TimeSpan.FromMinutes(3));

        Assert.Equal(SystemCatalog.Services.Count + 1, data.StartedPids().Count); // one more service process, shared infrastructure
        // The URL lines follow "All healthy" and reach us a moment later: wait for both Kitchen lines.
        List<string> KitchenLines() => launcher.Output.Split('\n').Where(line => line.Contains("kitchen") && line.Contains("Swagger UI")).ToList();
        await Wait.UntilAsync(_ => Task.FromResult(KitchenLines().Count >= 2), TimeSpan.FromSeconds(30), "both Kitchen instances' URL lines",
            CancellationToken.None, () => launcher.Output);
        var kitchens = KitchenLines();
        Assert.Equal(2, kitchens.Count);
        Assert.Contains(kitchens, line => line.Contains("kitchen-2 "));
        Assert.Equal(2, kitchens.Select(line => line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0]).Distinct().Count());
        // `up` without --faults: no fault injection.
        Assert.Equal(HttpStatusCode.NotFound, await FaultsEndpointStatusAsync(launcher.Output, "kitchen-2"));

        Posix.Signal(launcher.Pid, Posix.SigInt);
        await launcher.WaitForExitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task The_trace_viewer_shows_a_sign_up_as_one_trace_from_the_request_to_the_relays_publish()
    {
        await using var test = await TestSystem.StartAsync(traceViewer: true);
        var viewer = test.System.TraceViewer ?? throw new InvalidOperationException("The trace viewer did not start (see the launcher's output).");
        using var http = new HttpClient { BaseAddress = new Uri(test.Service("consumer").BaseUrl) };

        var created = await http.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "25.00" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The dashboard's API serves what it received over OTLP: find one trace with both spans.
        using var viewerApi = new HttpClient { BaseAddress = new Uri(viewer.Url) };
        await Wait.UntilAsync(async ct =>
            {
                var spans = (await viewerApi.GetFromJsonAsync<JsonNode>("/api/telemetry/traces", ct))!["data"]!["resourceSpans"]!.AsArray()
                    .SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())
                    .Select(span => (Trace: span!["traceId"]!.GetValue<string>(), Name: span["name"]!.GetValue<string>())).ToList();
                return spans.Where(s => s.Name.StartsWith("POST /v1/consumers", StringComparison.Ordinal))
                    .Any(post => spans.Any(s => s.Trace == post.Trace && s.Name == "consumer-events publish"));
            },
            TimeSpan.FromSeconds(60), "the sign-up's trace, request and publish, in the trace viewer", CancellationToken.None);
    }

    /// <summary>GET /_admin/faults on the service the launcher listed as <paramref name="service"/> (its Swagger UI line).</summary>
    private static async Task<HttpStatusCode> FaultsEndpointStatusAsync(string launcherOutput, string service)
    {
        var line = launcherOutput.Split('\n').First(l => l.Contains($" {service} ") && l.Contains("Swagger UI"));
        var baseUrl = line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];
        using var http = new HttpClient();
        return (await http.GetAsync($"{baseUrl}/_admin/faults")).StatusCode;
    }
}
