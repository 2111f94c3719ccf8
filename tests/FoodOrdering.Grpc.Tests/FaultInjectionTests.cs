using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Resilience;
using FoodOrdering.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// The real Consumer service process started as `./ftgo demo` starts it (fault injection on), with one
/// consumer signed up. Its tests share its fault setting, so they run one after the other and each
/// starts from none.
/// </summary>
public sealed class FaultyConsumerFixture : IAsyncLifetime
{
    private TestSystem system = null!;

    public string RestUrl { get; private set; } = "";
    public string GrpcUrl { get; private set; } = "";
    public long ConsumerId { get; private set; }
    public IReadOnlyCollection<string> Log => system.Service("consumer").Process.RecentLines;

    public async Task InitializeAsync()
    {
        system = await TestSystem.StartAsync(["consumer"], faultsEnabled: true);
        RestUrl = system.Service("consumer").BaseUrl;
        GrpcUrl = system.Service("consumer").GrpcUrl;
        using var http = new HttpClient();
        var created = await http.PostAsJsonAsync($"{RestUrl}/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" });
        created.EnsureSuccessStatusCode();
        ConsumerId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["consumerId"]!.GetValue<long>();
    }

    public async Task DisposeAsync() => await system.DisposeAsync();
}

/// <summary>
/// Fault injection against the real Consumer service: REST calls through HttpClient, gRPC calls through
/// the generated client, and a caller's service proxy whose circuit breaker reacts to the faults as it
/// would to a real outage. Latency is asserted as a lower bound only; nothing here bounds how fast the
/// machine is.
/// </summary>
public sealed partial class FaultInjectionTests(FaultyConsumerFixture consumer) : IClassFixture<FaultyConsumerFixture>, IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly HttpClient http = new() { BaseAddress = new Uri(consumer.RestUrl), Timeout = TimeSpan.FromSeconds(100) };
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(consumer.GrpcUrl);

    private ConsumerService.ConsumerServiceClient Grpc => new(channel);

    public async Task InitializeAsync() => (await http.DeleteAsync("/_admin/faults")).EnsureSuccessStatusCode();

    public async Task DisposeAsync() => await http.DeleteAsync("/_admin/faults");

    public void Dispose()
    {
        http.Dispose();
        channel.Dispose();
    }

    [Fact]
    public async Task Injected_latency_delays_REST_and_gRPC_calls_by_at_least_the_setting()
    {
        await SetFaultsAsync(new { latencyMs = 1000 });

        var clock = Stopwatch.StartNew();
        (await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).EnsureSuccessStatusCode();
        var rest = clock.Elapsed;
        clock.Restart();
        await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });
        var grpc = clock.Elapsed;

        Assert.True(rest >= TimeSpan.FromMilliseconds(950), $"REST took {rest}");
        Assert.True(grpc >= TimeSpan.FromMilliseconds(950), $"gRPC took {grpc}");
    }

    [Fact]
    public async Task An_error_ratio_of_1_fails_every_call_REST_with_503_problem_details_and_gRPC_with_UNAVAILABLE_until_cleared()
    {
        await SetFaultsAsync(new { errorRatio = 1.0 });

        for (var i = 0; i < 10; i++)
        {
            var response = await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Contains("injected", problem["detail"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(problem["traceId"]?.GetValue<string>()));

            var failure = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));
            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
            Assert.Contains("injected", failure.Status.Detail);
        }

        (await http.DeleteAsync("/_admin/faults")).EnsureSuccessStatusCode();
        (await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).EnsureSuccessStatusCode();
        await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });
        // Every change of the setting is in the service's log.
        await Wait.UntilAsync(_ => Task.FromResult(consumer.Log.Any(l => l.Contains("Fault injection set: 0 ms added latency and error ratio 1 on all calls"))
                && consumer.Log.Any(l => l.Contains("Fault injection cleared"))),
            Patience, "the service to log the change and the clearing", CancellationToken.None);
    }

    [Fact]
    public async Task Health_metrics_swagger_and_the_admin_endpoint_are_never_affected()
    {
        await SetFaultsAsync(new { latencyMs = 60_000, errorRatio = 1.0 });
        using var impatient = new HttpClient { BaseAddress = new Uri(consumer.RestUrl), Timeout = TimeSpan.FromSeconds(20) };

        foreach (var path in new[] { "/health/live", "/health/ready", "/health", "/metrics", "/swagger/v1/swagger.json", "/_admin/faults" })
        {
            Assert.Equal(HttpStatusCode.OK, (await impatient.GetAsync(path)).StatusCode);
        }
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task An_error_ratio_of_0_fails_no_call_and_one_in_between_fails_some()
    {
        await SetFaultsAsync(new { latencyMs = 1, errorRatio = 0.0 });
        for (var i = 0; i < 20; i++)
        {
            (await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).EnsureSuccessStatusCode();
            await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });
        }

        await SetFaultsAsync(new { errorRatio = 0.5, scope = "rest" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            statuses.Add((await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).StatusCode);
        }
        // Both outcomes out of 100 calls: a chance of 2^-99 to fail by bad luck.
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
    }

    [Fact]
    public async Task Scope_rest_leaves_gRPC_calls_alone_and_scope_grpc_leaves_REST_calls_alone()
    {
        await SetFaultsAsync(new { errorRatio = 1.0, scope = "rest" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).StatusCode);
        await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });

        await SetFaultsAsync(new { errorRatio = 1.0, scope = "grpc" });
        (await http.GetAsync($"/v1/consumers/{consumer.ConsumerId}")).EnsureSuccessStatusCode();
        var failure = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    [Fact]
    public async Task A_caller_that_gives_up_during_injected_latency_frees_the_service()
    {
        await SetFaultsAsync(new { latencyMs = 60_000 });

        // REST: the client cancels while its call waits in the injected latency.
        using (var giveUp = new CancellationTokenSource())
        {
            var call = http.GetAsync($"/v1/consumers/{consumer.ConsumerId}", giveUp.Token);
            await WaitForDelayedAsync("rest", 1);
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            await WaitForDelayedAsync("rest", 0); // well before the minute is over
        }

        // gRPC: the call's deadline ends it, and the service stops waiting too.
        var timedOut = await Assert.ThrowsAsync<RpcException>(async () =>
            await Grpc.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }, deadline: DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, timedOut.StatusCode);
        await WaitForDelayedAsync("grpc", 0);
    }

    [Fact]
    public async Task A_callers_circuit_breaker_opens_under_injected_errors_fails_fast_while_open_and_closes_once_they_are_cleared()
    {
        using var caller = CallerOfConsumer(breakDuration: "00:00:01");
        var client = caller.Services.GetRequiredService<ConsumerService.ConsumerServiceClient>();
        var breakers = caller.Services.GetRequiredService<CircuitBreakers>();
        await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });
        Assert.Equal(CircuitState.Closed, breakers.StateOf("consumer"));

        await SetFaultsAsync(new { errorRatio = 1.0, scope = "grpc" });
        // The good call above is the first of the sampling window: with 3 failures it holds 4 calls (the
        // minimum throughput), 75 % of them failed (over the 50 % ratio), so the third failure opens it.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(CircuitState.Closed, breakers.StateOf("consumer"));
            var failure = await Assert.ThrowsAsync<RpcException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));
            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        }
        Assert.Equal(CircuitState.Open, breakers.StateOf("consumer"));
        // Open: the proxy refuses without calling the service.
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));

        (await http.DeleteAsync("/_admin/faults")).EnsureSuccessStatusCode();
        // After the break, the next call is the probe; it succeeds and the breaker closes.
        await Wait.UntilAsync(async ct =>
            {
                try
                {
                    await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }, cancellationToken: ct);
                    return breakers.StateOf("consumer") == CircuitState.Closed;
                }
                catch (BrokenCircuitException)
                {
                    return false; // still open (or another call is the probe)
                }
            },
            Patience, "the breaker to close once the faults are cleared", CancellationToken.None, () => breakers.StateOf("consumer").ToString());
        await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId });
    }

    [Fact]
    public async Task Injected_latency_past_the_callers_timeout_opens_its_breaker_and_the_abandoned_calls_free_the_service()
    {
        using var caller = CallerOfConsumer(breakDuration: "00:00:30", timeout: "00:00:00.500");
        var client = caller.Services.GetRequiredService<ConsumerService.ConsumerServiceClient>();
        var breakers = caller.Services.GetRequiredService<CircuitBreakers>();

        await SetFaultsAsync(new { latencyMs = 60_000, scope = "grpc" });
        for (var i = 0; i < 4; i++)
        {
            var failure = await Assert.ThrowsAsync<RpcException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));
            Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        }

        Assert.Equal(CircuitState.Open, breakers.StateOf("consumer"));
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumer.ConsumerId }));
        await WaitForDelayedAsync("grpc", 0); // the deadline travelled: the service did not hold the calls for a minute each
    }

    /// <summary>A service that calls the Consumer service through a service proxy, as the Order service does.</summary>
    private IHost CallerOfConsumer(string breakDuration, string timeout = "00:00:10")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Downstreams:consumer:GrpcAddress"] = consumer.GrpcUrl;
        builder.Configuration["Downstreams:consumer:Timeout"] = timeout;
        builder.Configuration["Downstreams:consumer:CircuitBreaker:MinimumThroughput"] = "4";
        builder.Configuration["Downstreams:consumer:CircuitBreaker:FailureRatio"] = "0.5";
        builder.Configuration["Downstreams:consumer:CircuitBreaker:SamplingDuration"] = "00:00:30";
        builder.Configuration["Downstreams:consumer:CircuitBreaker:BreakDuration"] = breakDuration;
        builder.AddGrpcServiceProxy<ConsumerService.ConsumerServiceClient>("consumer");
        return builder.Build();
    }

    private async Task SetFaultsAsync(object setting)
    {
        var response = await http.PostAsJsonAsync("/_admin/faults", setting);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Until the service's metric says <paramref name="count"/> calls of <paramref name="protocol"/> wait in injected latency.</summary>
    private async Task WaitForDelayedAsync(string protocol, int count)
    {
        var last = "";
        await Wait.UntilAsync(async ct =>
            {
                last = string.Join(Environment.NewLine, (await http.GetStringAsync("/metrics", ct)).Split('\n').Where(l => l.StartsWith("ftgo_faults_delayed", StringComparison.Ordinal)));
                var line = DelayedLine().Matches(last).SingleOrDefault(m => m.Groups["protocol"].Value == protocol);
                return line is not null ? line.Groups["value"].Value == count.ToString() : count == 0;
            },
            Patience, $"{count} {protocol} calls in injected latency", CancellationToken.None, () => last);
    }

    [GeneratedRegex("""^ftgo_faults_delayed\{[^}]*protocol="(?<protocol>\w+)"[^}]*\} (?<value>-?\d+)""", RegexOptions.Multiline)]
    private static partial Regex DelayedLine();
}

/// <summary>The Consumer service as `./ftgo up` starts it: no fault injection unless asked for.</summary>
[Collection(ConsumerServiceCollection.Name)]
public sealed class FaultInjectionOffByDefaultTests(ConsumerServiceFixture consumerService)
{
    [Fact]
    public async Task Off_by_default_the_admin_endpoint_is_404_and_calls_are_unaffected()
    {
        using var http = new HttpClient { BaseAddress = new Uri(consumerService.RestUrl) };

        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/_admin/faults", new { errorRatio = 1.0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/_admin/faults")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("/_admin/faults")).StatusCode);
        (await http.GetAsync($"/v1/consumers/{consumerService.ConsumerId}")).EnsureSuccessStatusCode();
        using var channel = GrpcChannel.ForAddress(consumerService.GrpcUrl);
        await new ConsumerService.ConsumerServiceClient(channel).GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerService.ConsumerId });
        Assert.DoesNotContain("ftgo_faults_", await http.GetStringAsync("/metrics"));
    }
}
