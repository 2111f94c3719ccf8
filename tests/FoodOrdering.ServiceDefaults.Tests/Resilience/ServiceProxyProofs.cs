using System.Diagnostics;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Tests.Resilience.V1;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace FoodOrdering.ServiceDefaults.Tests.Resilience;

/// <summary>
/// The robust service proxy of chapter 3 (network timeout, outstanding-request limit, circuit breaker)
/// over gRPC, against a real downstream on a loopback port that fails or hangs on command. Every test
/// makes a few dozen calls at most and ends within seconds; time bounds are generous on purpose (the
/// figures are in docs/performance.md, from the benchmark).
/// </summary>
public sealed class ServiceProxyProofs
{
    private static readonly TimeSpan FastFail = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_failing_downstream_opens_the_breaker_after_the_threshold_then_calls_fail_fast_without_reaching_it()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls));
        downstream.Behaviour.FailWith(StatusCode.Unavailable);

        for (var i = 0; i < 4; i++)
        {
            var failure = await Assert.ThrowsAsync<RpcException>(async () => await caller.Test.CallAsync(new CallRequest()));
            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        }
        Assert.Equal(CircuitState.Open, caller.StateOfTest);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await caller.Test.CallAsync(new CallRequest()));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FastFail);
        Assert.Equal(4, downstream.Behaviour.Received);
        await WaitForTransitionsAsync(caller, "test:open");
    }

    [Fact]
    public async Task A_hanging_downstream_times_out_at_the_network_timeout_and_its_timeouts_open_the_breaker()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls) { ["Timeout"] = "00:00:00.500" });
        downstream.Behaviour.Hang();

        var clock = Stopwatch.StartNew();
        var timeouts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Assert.ThrowsAsync<RpcException>(async () => await caller.Test.CallAsync(new CallRequest()))));
        var elapsed = clock.Elapsed;

        Assert.All(timeouts, e => Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode));
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5)); // the timeout, not "forever"
        Assert.Equal(CircuitState.Open, caller.StateOfTest);
        // The deadline travelled with the calls: the downstream gave up on each of them too.
        await Wait.UntilAsync(_ => Task.FromResult(downstream.Behaviour.Cancelled == 4), TimeSpan.FromSeconds(10),
            "the downstream to see its four calls cancelled", CancellationToken.None);

        clock.Restart();
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await caller.Test.CallAsync(new CallRequest()));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FastFail);
        Assert.Equal(4, downstream.Behaviour.Received);
    }

    [Fact]
    public async Task After_the_break_one_probe_half_opens_the_breaker_a_failed_probe_opens_it_again_and_a_good_one_closes_it()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls) { ["CircuitBreaker:BreakDuration"] = "00:00:00.500" });
        downstream.Behaviour.FailWith(StatusCode.Unavailable);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await caller.Test.CallAsync(new CallRequest()));
        }
        Assert.Equal(CircuitState.Open, caller.StateOfTest);

        // A failing probe: the first call let through after the break reaches the downstream and fails.
        await ProbeAsync(caller, downstream, probe => Assert.ThrowsAsync<RpcException>(async () => await probe));
        Assert.Equal(CircuitState.Open, caller.StateOfTest);

        // A probe while the downstream hangs: the breaker is half-open, and lets no second call through.
        downstream.Behaviour.Hang();
        Task<CallResponse>? hangingProbe = null;
        await ProbeAsync(caller, downstream, probe =>
        {
            hangingProbe = probe;
            return Task.CompletedTask;
        });
        Assert.Equal(CircuitState.HalfOpen, caller.StateOfTest);
        var received = downstream.Behaviour.Received;
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await caller.Test.CallAsync(new CallRequest()));
        Assert.Equal(received, downstream.Behaviour.Received);

        // The downstream recovers: the probe succeeds, the circuit closes, calls flow again.
        downstream.Behaviour.Answer();
        await hangingProbe!;
        Assert.Equal(CircuitState.Closed, caller.StateOfTest);
        await caller.Test.CallAsync(new CallRequest());
        await WaitForTransitionsAsync(caller, "test:open", "test:half_open", "test:open", "test:half_open", "test:closed");
        Assert.Equal(CircuitState.Closed, Assert.Single(caller.CircuitBreakers.All).State);
    }

    [Fact]
    public async Task Domain_statuses_and_calls_the_caller_cancels_never_open_the_breaker()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new(CallerHost.OpensAfterFourCalls));

        foreach (var code in new[] { StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.InvalidArgument })
        {
            downstream.Behaviour.FailWith(code);
            for (var i = 0; i < 4; i++)
            {
                var answer = await Assert.ThrowsAsync<RpcException>(async () => await caller.Test.CallAsync(new CallRequest()));
                Assert.Equal(code, answer.StatusCode);
            }
        }
        downstream.Behaviour.Hang();
        for (var i = 0; i < 4; i++)
        {
            // Cancel only once the downstream has the call: a timer could fire before it is sent (seen in CI).
            var received = downstream.Behaviour.Received;
            using var cancel = new CancellationTokenSource();
            var call = caller.Test.CallAsync(new CallRequest(), cancellationToken: cancel.Token).ResponseAsync;
            await Wait.UntilAsync(_ => Task.FromResult(downstream.Behaviour.Received == received + 1), TimeSpan.FromSeconds(10),
                "the call to reach the downstream", CancellationToken.None);
            await cancel.CancelAsync();
            var cancelled = await Assert.ThrowsAsync<RpcException>(() => call);
            Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        }

        Assert.Equal(CircuitState.Closed, caller.StateOfTest);
        Assert.Equal(16, downstream.Behaviour.Received);
        Assert.Empty(caller.Transitions);
    }

    [Fact]
    public async Task The_outstanding_request_limit_rejects_the_excess_at_once_while_a_downstream_hangs_and_another_downstream_stays_fast()
    {
        await using var slow = await FaultyDownstream.StartAsync();
        await using var other = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(slow, other, testSettings: new(CallerHost.OpensAfterFourCalls) { ["MaxOutstandingRequests"] = "3" });
        slow.Behaviour.Hang();

        var outstanding = Enumerable.Range(0, 3).Select(_ => caller.Test.CallAsync(new CallRequest()).ResponseAsync).ToArray();
        await Wait.UntilAsync(_ => Task.FromResult(slow.Behaviour.InFlight == 3), TimeSpan.FromSeconds(10), "three calls in flight", CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RateLimiterRejectedException>(async () => await caller.Test.CallAsync(new CallRequest()));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FastFail);
        Assert.Equal(3, slow.Behaviour.Received);
        clock.Restart();
        await caller.Other.CallAsync(new CallRequest());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, FastFail);
        Assert.Equal(1, caller.Rejections);

        slow.Behaviour.Answer();
        await Task.WhenAll(outstanding);
        await caller.Test.CallAsync(new CallRequest()); // a permit is free again
        Assert.Equal(["other", "test"], caller.CircuitBreakers.All.Select(b => b.Downstream));
        Assert.All(caller.CircuitBreakers.All, b => Assert.Equal(CircuitState.Closed, b.State)); // a rejection is no failure
    }

    [Fact]
    public async Task A_unary_call_without_a_deadline_gets_the_downstream_s_network_timeout_and_a_call_may_set_its_own()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        using var caller = new CallerHost(downstream, testSettings: new() { ["Timeout"] = "00:00:03" });

        var byDefault = await caller.Test.CallAsync(new CallRequest());
        var ownDeadline = await caller.Test.CallAsync(new CallRequest(), deadline: DateTime.UtcNow.AddMinutes(1));

        Assert.InRange(byDefault.DeadlineRemainingMs, 1, 3000);
        Assert.InRange(ownDeadline.DeadlineRemainingMs, 30_000, 60_000);
    }

    [Fact]
    public async Task The_callers_deadline_and_cancellation_flow_through_a_service_to_its_downstream()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        await using var middle = await FaultyDownstream.StartAsync(forwardTo: downstream.GrpcUrl); // its own proxy: 30 s timeout
        using var caller = new CallerHost(middle);

        var answer = await caller.Test.CallAsync(new CallRequest { Forward = true }, deadline: DateTime.UtcNow.AddSeconds(2));
        Assert.InRange(answer.DeadlineRemainingMs, 1, 2000); // the caller's 2 s, not the middle service's 30 s

        downstream.Behaviour.Hang();
        using var cancel = new CancellationTokenSource();
        var call = caller.Test.CallAsync(new CallRequest { Forward = true }, cancellationToken: cancel.Token).ResponseAsync;
        await Wait.UntilAsync(_ => Task.FromResult(downstream.Behaviour.InFlight == 1), TimeSpan.FromSeconds(10), "the forwarded call to arrive", CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<RpcException>(() => call);
        await Wait.UntilAsync(_ => Task.FromResult(downstream.Behaviour.Cancelled == 1), TimeSpan.FromSeconds(10),
            "the downstream to see the caller's cancellation", CancellationToken.None);
    }

    [Fact]
    public async Task Calls_are_balanced_round_robin_over_every_instance_in_GrpcAddresses()
    {
        await using var first = await FaultyDownstream.StartAsync();
        await using var second = await FaultyDownstream.StartAsync();
        // GrpcAddress (CallerHost sets it to the first) gives way to the list of every instance.
        using var caller = new CallerHost(first, testSettings: new() { ["GrpcAddresses:0"] = first.GrpcUrl, ["GrpcAddresses:1"] = second.GrpcUrl });

        // The channel connects to each instance; until both connections are up, calls go to those that are.
        await Wait.UntilAsync(async _ =>
            {
                await caller.Test.CallAsync(new CallRequest());
                return first.Behaviour.Received > 0 && second.Behaviour.Received > 0;
            },
            TimeSpan.FromSeconds(10), "both instances to receive calls", CancellationToken.None,
            () => $"received: {first.Behaviour.Received}, {second.Behaviour.Received}");
        var (before1, before2) = (first.Behaviour.Received, second.Behaviour.Received);
        for (var i = 0; i < 10; i++)
        {
            await caller.Test.CallAsync(new CallRequest());
        }
        // Round robin over two connected instances: strictly one each in turn.
        Assert.Equal(5, first.Behaviour.Received - before1);
        Assert.Equal(5, second.Behaviour.Received - before2);
    }

    [Fact]
    public async Task A_dns_address_is_resolved_by_the_grpc_client_and_called_without_tls()
    {
        await using var downstream = await FaultyDownstream.StartAsync();
        // As k8s/gateway.yaml names the headless Service (dns:///kitchen-pods:9082); here the name is localhost.
        using var caller = new CallerHost(downstream, testSettings: new() { ["GrpcAddress"] = $"dns:///localhost:{new Uri(downstream.GrpcUrl).Port}" });

        await caller.Test.CallAsync(new CallRequest());

        Assert.Equal(1, downstream.Behaviour.Received);
    }

    /// <summary>
    /// Calls until the break is over and a call is let through to the downstream (the probe); the calls
    /// before it fail fast. Hands the probe's task to <paramref name="inspect"/>.
    /// </summary>
    private static async Task ProbeAsync(CallerHost caller, FaultyDownstream downstream, Func<Task<CallResponse>, Task> inspect)
    {
        var received = downstream.Behaviour.Received;
        Task<CallResponse>? probe = null;
        await Wait.UntilAsync(async _ =>
            {
                var call = caller.Test.CallAsync(new CallRequest()).ResponseAsync;
                await Task.WhenAny(call, Task.Delay(FastFail));
                if (call.IsFaulted && call.Exception!.InnerException is BrokenCircuitException)
                {
                    return false;
                }
                probe = call;
                return true;
            },
            TimeSpan.FromSeconds(10), "the break to end and a probe call to go through", CancellationToken.None);
        await Wait.UntilAsync(_ => Task.FromResult(downstream.Behaviour.Received == received + 1), TimeSpan.FromSeconds(10),
            "the probe to reach the downstream", CancellationToken.None);
        await inspect(probe!);
    }

    private static Task WaitForTransitionsAsync(CallerHost caller, params string[] expected) =>
        // Polly reports state changes just after they happen, so the metric may trail the state a moment.
        Wait.UntilAsync(_ => Task.FromResult(caller.Transitions.SequenceEqual(expected)), TimeSpan.FromSeconds(10),
            $"the transitions {string.Join(", ", expected)}", CancellationToken.None, () => string.Join(", ", caller.Transitions));
}
