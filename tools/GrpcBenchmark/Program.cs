// The gRPC benchmark: the same echo operation over our gRPC layer and over REST/JSON, in one process
// on loopback, for a small message and a ~100 KB one; then Debian's grpcio client against the same
// server as a reference point. Prints a Markdown table for docs/performance.md.
using System.Diagnostics;
using System.Text.Json;
using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Health.V1;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Reflection;
using FoodOrdering.Grpc.Server;
using FoodOrdering.Grpc.Tests;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using Google.Protobuf;

var grpcPort = Network.FreePort();
var restUrl = $"http://127.0.0.1:{Network.FreePort()}";
var builder = WebApplication.CreateBuilder();
builder.Configuration["urls"] = restUrl;
builder.Configuration["Grpc:Port"] = grpcPort.ToString();
builder.Logging.ClearProviders();
builder.AddGrpcServer(defaultPort: grpcPort);
var app = builder.Build();
app.MapPost("/echo", (EchoJson request) => TypedResults.Ok(request)); // REST/JSON: the very same operation
app.MapGrpcService<InteropService>();
await app.StartAsync();

var grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
var echo = GrpcMethod<EchoRequest, EchoResponse>.From(InteropService.Descriptor.FindMethodByName("Echo"));
using var rest = new HttpClient { BaseAddress = new Uri(restUrl) };

Console.WriteLine($"gRPC benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, loopback");
Console.WriteLine();
Console.WriteLine("| message | transport | bytes per request | p50 latency | p99 latency | sequential calls/s | 16 concurrent calls/s |");
Console.WriteLine("|---|---|---|---|---|---|---|");
const int Rounds = 5;
var ratios = new List<string>();
foreach (var (name, payloadBytes, calls) in new[] { ("small", 0, 3000), ("100 KB", 100 * 1024, 500) })
{
    var payload = new byte[payloadBytes];
    Random.Shared.NextBytes(payload);
    var grpcRequest = new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(payload) };
    var restRequest = new EchoJson("hello", payload);

    async Task CallGrpc() => await grpc.UnaryAsync(echo, grpcRequest);
    async Task CallRest()
    {
        using var response = await rest.PostAsJsonAsync("/echo", restRequest);
        await response.Content.ReadFromJsonAsync<EchoJson>();
    }

    // Rounds alternate between the two transports, so a noisy neighbour hurts both alike; each figure
    // is the median of the rounds.
    var (grpcRuns, restRuns, grpcThroughput, restThroughput) = (new List<Stats>(), new List<Stats>(), new List<double>(), new List<double>());
    for (var round = 0; round < Rounds; round++)
    {
        grpcRuns.Add(await Measure.SequentialAsync(CallGrpc, calls));
        restRuns.Add(await Measure.SequentialAsync(CallRest, calls));
        grpcThroughput.Add(await Measure.ConcurrentAsync(CallGrpc, 16));
        restThroughput.Add(await Measure.ConcurrentAsync(CallRest, 16));
    }
    var (grpcStats, restStats) = (Stats.Median(grpcRuns), Stats.Median(restRuns));
    var (grpcConcurrent, restConcurrent) = (Median(grpcThroughput), Median(restThroughput));
    var grpcBytes = 5 + grpcRequest.CalculateSize();
    var restBytes = JsonSerializer.SerializeToUtf8Bytes(restRequest, JsonSerializerOptions.Web).Length;
    Print(name, "gRPC (our client)", grpcBytes, grpcStats, grpcConcurrent);
    Print(name, "REST/JSON (HttpClient, HTTP/1.1)", restBytes, restStats, restConcurrent);
    Print(name, "gRPC (grpcio client)", grpcBytes, await Measure.GrpcioAsync(grpcPort, payloadBytes, calls), null);
    ratios.Add($"{name}: gRPC/REST bytes {(double)grpcBytes / restBytes:0.00}, p50 latency {grpcStats.P50Microseconds / restStats.P50Microseconds:0.00}, "
        + $"sequential calls/s {grpcStats.CallsPerSecond / restStats.CallsPerSecond:0.00}, 16 concurrent calls/s {grpcConcurrent / restConcurrent:0.00}");
}
Console.WriteLine();
Console.WriteLine("Ratios (below 1 is smaller or faster for bytes and latency; above 1 is more calls for calls/s):");
ratios.ForEach(ratio => Console.WriteLine("- " + ratio));

await app.StopAsync();

static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);

static void Print(string message, string transport, int bytes, Stats sequential, double? concurrent) =>
    Console.WriteLine($"| {message} | {transport} | {bytes:N0} | {sequential.P50Microseconds:N0} us | {sequential.P99Microseconds:N0} us | {sequential.CallsPerSecond:N0} | {(concurrent is { } c ? c.ToString("N0") : "-")} |");

/// <summary>The REST/JSON twin of EchoRequest/EchoResponse (bytes travel as base64, as JSON does).</summary>
internal sealed record EchoJson(string Text, byte[] Payload);

internal sealed record Stats(double P50Microseconds, double P99Microseconds, double CallsPerSecond)
{
    public static Stats Median(IReadOnlyList<Stats> runs) => new(
        runs.Select(r => r.P50Microseconds).Order().ElementAt(runs.Count / 2),
        runs.Select(r => r.P99Microseconds).Order().ElementAt(runs.Count / 2),
        runs.Select(r => r.CallsPerSecond).Order().ElementAt(runs.Count / 2));
}

internal static class Measure
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
        Array.Sort(latencies);
        return new Stats(latencies[calls / 2], latencies[(int)(calls * 0.99)], calls / elapsed.TotalSeconds);
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

    /// <summary>Debian's grpcio client (gRPC's C core) calling our server: the reference point.</summary>
    public static async Task<Stats> GrpcioAsync(int port, int payloadBytes, int calls)
    {
        var interop = Path.Combine(SystemCatalog.RepositoryRoot(), "tests", "FoodOrdering.Grpc.Tests", "interop");
        var descriptorSet = Path.Combine(Path.GetTempPath(), $"ftgo-grpc-benchmark-{Environment.ProcessId}.pb");
        await File.WriteAllBytesAsync(descriptorSet, FileDescriptorSets.Of(InteropReflection.Descriptor, HealthReflection.Descriptor));
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "bench_grpcio.py");
            var output = await Tool.RunAsync("/usr/bin/python3", [script, interop, descriptorSet, $"127.0.0.1:{port}", payloadBytes.ToString(), calls.ToString()],
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
