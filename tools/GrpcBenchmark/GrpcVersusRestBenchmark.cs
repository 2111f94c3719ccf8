using System.Diagnostics;
using System.Text.Json;
using FoodOrdering.GrpcBenchmark.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Resilience;
using Google.Protobuf;
using Grpc.Net.Client;

namespace FoodOrdering.GrpcBenchmark;

/// <summary>
/// The same echo operation over gRPC and over REST/JSON, in one process on loopback, for a small message
/// and a ~100 KB one: Grpc.Net.Client on its own, with a deadline, and through the service proxy (default
/// deadline, outstanding-request limit, circuit breaker), HttpClient with JSON over HTTP/1.1, and Debian's
/// grpcio client against the same server as a reference point. Prints a Markdown table.
/// </summary>
public static class GrpcVersusRestBenchmark
{
    private const int Rounds = 5;

    public static async Task RunAsync()
    {
        await using var server = await EchoServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcUrl);
        var plain = new EchoService.EchoServiceClient(channel);
        var proxyHost = Host.CreateApplicationBuilder();
        proxyHost.Logging.ClearProviders();
        proxyHost.Configuration["Downstreams:echo:GrpcAddress"] = server.GrpcUrl;
        proxyHost.AddGrpcServiceProxy<EchoService.EchoServiceClient>("echo");
        using var host = proxyHost.Build();
        var proxied = host.Services.GetRequiredService<EchoService.EchoServiceClient>();
        using var rest = new HttpClient { BaseAddress = new Uri(server.RestUrl) };

        Console.WriteLine("gRPC vs REST/JSON: Grpc.AspNetCore server, each figure the median of 5 alternating rounds");
        Console.WriteLine();
        Console.WriteLine("| message | transport | bytes per request | p50 latency | p99 latency | sequential calls/s | 16 concurrent calls/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var ratios = new List<string>();
        foreach (var (name, payloadBytes, calls) in new[] { ("small", 0, 3000), ("100 KB", 100 * 1024, 500) })
        {
            var payload = new byte[payloadBytes];
            Random.Shared.NextBytes(payload);
            var grpcRequest = new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(payload) };
            var restRequest = new EchoJson("hello", payload);

            async Task CallGrpc() => await plain.EchoAsync(grpcRequest);
            async Task CallGrpcWithDeadline() => await plain.EchoAsync(grpcRequest, deadline: DateTime.UtcNow.AddSeconds(5));
            async Task CallThroughProxy() => await proxied.EchoAsync(grpcRequest);
            async Task CallRest()
            {
                using var response = await rest.PostAsJsonAsync("/echo", restRequest);
                await response.Content.ReadFromJsonAsync<EchoJson>();
            }

            // Rounds alternate between the transports, so a noisy neighbour hurts them alike.
            var transports = new (string Name, Func<Task> Call)[]
            {
                ("gRPC (Grpc.Net.Client)", CallGrpc),
                ("gRPC (Grpc.Net.Client) with a 5 s deadline", CallGrpcWithDeadline),
                ("gRPC through the service proxy (5 s deadline, limit, breaker)", CallThroughProxy),
                ("REST/JSON (HttpClient, HTTP/1.1)", CallRest),
            };
            var sequential = transports.Select(_ => new List<Stats>()).ToArray();
            var concurrent = transports.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < Rounds; round++)
            {
                for (var t = 0; t < transports.Length; t++)
                {
                    sequential[t].Add(await Measure.SequentialAsync(transports[t].Call, calls));
                    concurrent[t].Add(await Measure.ConcurrentAsync(transports[t].Call, 16));
                }
            }
            var grpcBytes = 5 + grpcRequest.CalculateSize();
            var restBytes = JsonSerializer.SerializeToUtf8Bytes(restRequest, JsonSerializerOptions.Web).Length;
            var results = transports.Select((t, i) => (t.Name, Sequential: Stats.Median(sequential[i]), Concurrent: Median(concurrent[i]))).ToArray();
            foreach (var (transport, stats, calls16) in results)
            {
                Print(name, transport, transport.StartsWith("REST") ? restBytes : grpcBytes, stats, calls16);
            }
            Print(name, "gRPC (grpcio client)", grpcBytes, await GrpcioAsync(server.GrpcUrl, payloadBytes, calls), null);

            var (grpc, withDeadline, proxy, rest_) = (results[0], results[1], results[2], results[3]);
            ratios.Add($"{name}: gRPC/REST bytes {(double)grpcBytes / restBytes:0.00}, p50 latency {grpc.Sequential.P50Microseconds / rest_.Sequential.P50Microseconds:0.00}, "
                + $"sequential calls/s {grpc.Sequential.CallsPerSecond / rest_.Sequential.CallsPerSecond:0.00}, 16 concurrent calls/s {grpc.Concurrent / rest_.Concurrent:0.00}; "
                + $"p50 with a deadline / plain gRPC {withDeadline.Sequential.P50Microseconds / grpc.Sequential.P50Microseconds:0.00}, "
                + $"through the service proxy / plain gRPC {proxy.Sequential.P50Microseconds / grpc.Sequential.P50Microseconds:0.00}");
        }
        Console.WriteLine();
        Console.WriteLine("Ratios (below 1 is smaller or faster for bytes and latency; above 1 is more calls for calls/s):");
        ratios.ForEach(ratio => Console.WriteLine("- " + ratio));
    }

    private static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);

    private static void Print(string message, string transport, int bytes, Stats sequential, double? concurrent) =>
        Console.WriteLine($"| {message} | {transport} | {bytes:N0} | {sequential.P50Microseconds:N0} us | {sequential.P99Microseconds:N0} us | {sequential.CallsPerSecond:N0} | {(concurrent is { } c ? c.ToString("N0") : "-")} |");

    /// <summary>Debian's grpcio client (gRPC's C core) calling our server: the reference point.</summary>
    private static async Task<Stats> GrpcioAsync(string grpcUrl, int payloadBytes, int calls)
    {
        var descriptorSet = Path.Combine(Path.GetTempPath(), $"ftgo-grpc-benchmark-{Environment.ProcessId}.pb");
        await File.WriteAllBytesAsync(descriptorSet, new Google.Protobuf.Reflection.FileDescriptorSet
        {
            File = { Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(EchoReflection.Descriptor.SerializedData) },
        }.ToByteArray());
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "bench_grpcio.py");
            var output = await Tool.RunAsync("/usr/bin/python3", [script, descriptorSet, new Uri(grpcUrl).Authority, payloadBytes.ToString(), calls.ToString()],
                CancellationToken.None);
            var figures = output.Trim().Split(' ').Select(double.Parse).ToArray();
            return new Stats(figures[0], figures[1], figures[2]);
        }
        finally
        {
            File.Delete(descriptorSet);
        }
    }
}

public sealed record Stats(double P50Microseconds, double P99Microseconds, double CallsPerSecond)
{
    public static Stats Median(IReadOnlyList<Stats> runs) => new(
        runs.Select(r => r.P50Microseconds).Order().ElementAt(runs.Count / 2),
        runs.Select(r => r.P99Microseconds).Order().ElementAt(runs.Count / 2),
        runs.Select(r => r.CallsPerSecond).Order().ElementAt(runs.Count / 2));
}

public static class Measure
{
    /// <summary>One call after the other: latency percentiles and calls per second, after a warm-up.</summary>
    public static async Task<Stats> SequentialAsync(Func<Task> call, int calls)
    {
        for (var i = 0; i < calls / 10; i++)
        {
            await call();
        }
        var latencies = new double[calls];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        var elapsed = total.Elapsed;
        return Percentiles(latencies, calls / elapsed.TotalSeconds);
    }

    /// <summary>p50 and p99 of <paramref name="latencies"/> (microseconds).</summary>
    public static Stats Percentiles(double[] latencies, double callsPerSecond)
    {
        Array.Sort(latencies);
        return new Stats(latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], callsPerSecond);
    }

    /// <summary>Throughput with <paramref name="workers"/> callers in a loop for one second.</summary>
    public static async Task<double> ConcurrentAsync(Func<Task> call, int workers)
    {
        var duration = TimeSpan.FromSeconds(1);
        var completed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                await call();
                Interlocked.Increment(ref completed);
            }
        }));
        return completed / clock.Elapsed.TotalSeconds;
    }
}
