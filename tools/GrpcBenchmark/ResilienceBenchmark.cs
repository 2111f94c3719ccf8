using System.Diagnostics;
using FoodOrdering.GrpcBenchmark.V1;
using FoodOrdering.ServiceDefaults.Resilience;
using Grpc.Core;
using Grpc.Net.Client;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace FoodOrdering.GrpcBenchmark;

/// <summary>
/// What the service proxy (ServiceDefaults/Resilience) does when a downstream fails, on loopback: how
/// long until its circuit breaker opens (downstream failing at once / hanging until the 1 s network
/// timeout), how fast calls fail while it is open, how fast the outstanding-request limit rejects the
/// excess while a downstream hangs, and what a call to a healthy downstream costs meanwhile.
/// Bounded: about 15,000 calls and 10 s in all.
/// </summary>
public static class ResilienceBenchmark
{
    private const int FastFailCalls = 2000;

    public static async Task RunAsync()
    {
        await using var failing = await EchoServer.StartAsync();
        await using var hanging = await EchoServer.StartAsync();
        await using var healthy = await EchoServer.StartAsync();
        failing.Behaviour.Mode = BehaviourMode.FailUnavailable;
        hanging.Behaviour.Mode = BehaviourMode.Hang;
        var request = new EchoRequest { Text = "hello" };

        Console.WriteLine("Service proxy: network timeout 5 s (1 s towards the hanging downstream), breaker opens at a 50% failure ratio over 10 s once 10 calls were seen,");
        Console.WriteLine("break 30 s, at most 10 outstanding requests.");
        Console.WriteLine();
        Console.WriteLine("| measurement | result |");
        Console.WriteLine("|---|---|");

        using (var proxy = ProxyTo(healthy))
        using (var channel = GrpcChannel.ForAddress(healthy.GrpcUrl))
        {
            var plain = new EchoService.EchoServiceClient(channel);
            await WarmUpAsync(proxy, request);
            for (var i = 0; i < 3000; i++)
            {
                await plain.EchoAsync(request);
            }
            Row("healthy downstream: a plain call (no proxy, no deadline)", Percentiles(await TimeEachAsync(1000, async () => await plain.EchoAsync(request))));
            Row("healthy downstream: a call through the proxy", Percentiles(await TimeEachAsync(1000, async () => await proxy.Client.EchoAsync(request))));
        }

        using (var proxy = ProxyTo(failing))
        {
            var clock = Stopwatch.StartNew();
            var calls = 0;
            while (proxy.State == CircuitState.Closed)
            {
                calls++;
                await Assert<RpcException>(() => proxy.Client.EchoAsync(request).ResponseAsync);
            }
            Row("downstream answering UNAVAILABLE: time until the breaker opens", $"{clock.Elapsed.TotalMilliseconds:N1} ms ({calls} calls)");
            await FastFailRowAsync(proxy, failing, request, "UNAVAILABLE");
        }

        using (var proxy = ProxyTo(hanging, timeoutSeconds: 1))
        {
            var clock = Stopwatch.StartNew();
            // Ten callers at once (the minimum throughput), each waiting for its deadline.
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Assert<RpcException>(() => proxy.Client.EchoAsync(request).ResponseAsync)));
            Row("downstream hanging, 10 callers at once: time until the breaker opens", $"{clock.Elapsed.TotalMilliseconds:N0} ms (state {proxy.State})");
            await FastFailRowAsync(proxy, hanging, request, "hanging");
        }

        // The breaker kept out of the way (and the deadline long), to see the limit alone.
        using (var limited = ProxyTo(hanging, minimumThroughput: 1000, timeoutSeconds: 60))
        using (var other = ProxyTo(healthy))
        {
            await WarmUpAsync(other, request);
            using var stopHanging = new CancellationTokenSource();
            var before = hanging.Behaviour.CallsReceived;
            var outstanding = Enumerable.Range(0, 10)
                .Select(_ => Assert<RpcException>(() => limited.Client.EchoAsync(request, cancellationToken: stopHanging.Token).ResponseAsync))
                .ToArray();
            while (hanging.Behaviour.CallsReceived < before + 10)
            {
                await Task.Delay(10);
            }
            var rejections = await TimeEachAsync(FastFailCalls, () => Assert<RateLimiterRejectedException>(() => limited.Client.EchoAsync(request).ResponseAsync));
            Row("10 calls hanging: the 11th and later rejected by the outstanding-request limit", Percentiles(rejections));
            var unrelated = await TimeEachAsync(1000, async () => await other.Client.EchoAsync(request));
            Row("meanwhile, a call to an unrelated healthy downstream", Percentiles(unrelated));
            await stopHanging.CancelAsync();
            await Task.WhenAll(outstanding);
        }
    }

    // Enough calls for the JIT to settle on optimised code and the connection to be up.
    private static async Task WarmUpAsync(Proxy proxy, EchoRequest request)
    {
        for (var i = 0; i < 3000; i++)
        {
            await proxy.Client.EchoAsync(request);
        }
    }

    private static async Task FastFailRowAsync(Proxy proxy, EchoServer server, EchoRequest request, string how)
    {
        var before = server.Behaviour.CallsReceived;
        var latencies = await TimeEachAsync(FastFailCalls, () => Assert<BrokenCircuitException>(() => proxy.Client.EchoAsync(request).ResponseAsync));
        Row($"breaker open ({how}): a call failing fast", $"{Percentiles(latencies)}; calls that reached the downstream: {server.Behaviour.CallsReceived - before}");
    }

    private static async Task<double[]> TimeEachAsync(int calls, Func<Task> call)
    {
        var latencies = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        return latencies;
    }

    private static string Percentiles(double[] latencies)
    {
        var stats = Measure.Percentiles(latencies, 0);
        return $"p50 {stats.P50Microseconds:N0} us, p99 {stats.P99Microseconds:N0} us ({latencies.Length:N0} calls)";
    }

    private static async Task Assert<TException>(Func<Task> call) where TException : Exception
    {
        try
        {
            await call();
        }
        catch (TException)
        {
            return;
        }
        throw new InvalidOperationException($"Expected {typeof(TException).Name}.");
    }

    private static void Row(string measurement, string result) => Console.WriteLine($"| {measurement} | {result} |");

    private static Proxy ProxyTo(EchoServer server, int minimumThroughput = 10, int timeoutSeconds = 5)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["GrpcAddress"] = server.GrpcUrl,
            ["Timeout"] = TimeSpan.FromSeconds(timeoutSeconds).ToString(),
            ["MaxOutstandingRequests"] = "10",
            ["CircuitBreaker:FailureRatio"] = "0.5",
            ["CircuitBreaker:SamplingDuration"] = "00:00:10",
            ["CircuitBreaker:MinimumThroughput"] = minimumThroughput.ToString(),
            ["CircuitBreaker:BreakDuration"] = "00:00:30",
        })
        {
            builder.Configuration[$"Downstreams:echo:{key}"] = value;
        }
        builder.AddGrpcServiceProxy<EchoService.EchoServiceClient>("echo");
        return new Proxy(builder.Build());
    }

    private sealed class Proxy(IHost host) : IDisposable
    {
        public EchoService.EchoServiceClient Client { get; } = host.Services.GetRequiredService<EchoService.EchoServiceClient>();
        public CircuitState State => host.Services.GetRequiredService<CircuitBreakers>().StateOf("echo");
        public void Dispose() => host.Dispose();
    }
}
