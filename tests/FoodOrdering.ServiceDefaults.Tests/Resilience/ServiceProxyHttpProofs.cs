using System.Diagnostics;
using System.Net;
using FoodOrdering.ServiceDefaults.Tests.Resilience.V1;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FoodOrdering.ServiceDefaults.Tests.Resilience;

/// <summary>The same service proxy for a plain HttpClient (Microsoft.Extensions.Http.Resilience's handler).</summary>
public sealed class ServiceProxyHttpProofs
{
    [Fact]
    public async Task Answers_4xx_leave_the_breaker_closed_and_5xx_open_it_then_calls_fail_fast()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls));

        downstream.Behaviour.FailWith(StatusCode.NotFound);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await caller.TestOverHttp.GetAsync("/work")).StatusCode);
        }
        Assert.Equal(CircuitState.Closed, caller.StateOfTest);

        downstream.Behaviour.FailWith(StatusCode.Unavailable);
        for (var i = 0; i < 6 && caller.StateOfTest == CircuitState.Closed; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await caller.TestOverHttp.GetAsync("/work")).StatusCode);
        }
        Assert.Equal(CircuitState.Open, caller.StateOfTest);
        var received = downstream.Behaviour.Received;
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => caller.TestOverHttp.GetAsync("/work"));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(received, downstream.Behaviour.Received);
    }

    [Fact]
    public async Task A_hanging_downstream_times_out_and_its_timeouts_open_the_breaker()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls) { ["Timeout"] = "00:00:00.500" });
        downstream.Behaviour.Hang();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Assert.ThrowsAsync<TimeoutRejectedException>(() => caller.TestOverHttp.GetAsync("/work"))));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        Assert.Equal(CircuitState.Open, caller.StateOfTest);
    }

    [Fact]
    public async Task Grpc_and_HTTP_calls_to_one_downstream_share_its_breaker()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls));
        downstream.Behaviour.FailWith(StatusCode.Unavailable);

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await caller.Test.CallAsync(new CallRequest()));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => caller.TestOverHttp.GetAsync("/work"));
        Assert.Equal(4, downstream.Behaviour.Received);
    }
}
