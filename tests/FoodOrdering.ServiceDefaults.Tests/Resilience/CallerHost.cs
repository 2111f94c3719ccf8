using System.Diagnostics.Metrics;
using FoodOrdering.ServiceDefaults.Resilience;
using FoodOrdering.ServiceDefaults.Tests.Resilience.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace FoodOrdering.ServiceDefaults.Tests.Resilience;

/// <summary>
/// The calling side, as a service registers it: service proxies for the downstreams "test" (gRPC
/// TestDownstream, and HTTP) and "other" (gRPC OtherDownstream), configured through
/// <c>Downstreams:{name}:...</c>, with the state changes its breakers report as metrics.
/// </summary>
public sealed class CallerHost : IDisposable
{
    /// <summary>
    /// Settings for "test" that open its breaker after 4 calls of which at least half failed, and keep it
    /// open long enough not to half-open in the middle of a test; a 10 s network timeout.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OpensAfterFourCalls = new Dictionary<string, string>
    {
        ["Timeout"] = "00:00:10",
        ["CircuitBreaker:MinimumThroughput"] = "4",
        ["CircuitBreaker:FailureRatio"] = "0.5",
        ["CircuitBreaker:SamplingDuration"] = "00:00:30",
        ["CircuitBreaker:BreakDuration"] = "00:00:30",
    };

    private readonly IHost host;
    private readonly MeterListener listener = new();
    private readonly List<(string Downstream, string State)> transitions = [];

    public CallerHost(FaultyDownstream test, FaultyDownstream? other = null, Dictionary<string, string>? testSettings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Downstreams:test:GrpcAddress"] = test.GrpcUrl;
        foreach (var (key, value) in testSettings ?? [])
        {
            builder.Configuration[$"Downstreams:test:{key}"] = value;
        }
        builder.AddGrpcServiceProxy<TestDownstream.TestDownstreamClient>("test");
        // The same downstream over HTTP (its REST port): the same breaker.
        builder.Configuration["Downstreams:test:HttpAddress"] = test.HttpUrl;
        builder.AddHttpServiceProxy("test");
        if (other is not null)
        {
            builder.Configuration["Downstreams:other:GrpcAddress"] = other.GrpcUrl;
            builder.AddGrpcServiceProxy<OtherDownstream.OtherDownstreamClient>("other");
        }
        host = builder.Build();

        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == ServiceProxyTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (instrument.Name == ServiceProxyTelemetry.Transitions)
            {
                var tagged = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString() ?? "");
                lock (transitions)
                {
                    transitions.Add((tagged[ServiceProxyTelemetry.DownstreamTag], tagged[ServiceProxyTelemetry.StateTag]));
                }
            }
            else if (instrument.Name == ServiceProxyTelemetry.Rejections)
            {
                Interlocked.Increment(ref rejections);
            }
        });
        listener.Start();
    }

    private int rejections;

    public TestDownstream.TestDownstreamClient Test => host.Services.GetRequiredService<TestDownstream.TestDownstreamClient>();
    public OtherDownstream.OtherDownstreamClient Other => host.Services.GetRequiredService<OtherDownstream.OtherDownstreamClient>();
    public HttpClient TestOverHttp => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("test");
    public CircuitBreakers CircuitBreakers => host.Services.GetRequiredService<CircuitBreakers>();
    public CircuitState StateOfTest => CircuitBreakers.StateOf("test");

    /// <summary>The breaker state changes reported on the meter so far, e.g. "test:open".</summary>
    public IReadOnlyList<string> Transitions
    {
        get
        {
            lock (transitions)
            {
                return [.. transitions.Select(t => $"{t.Downstream}:{t.State}")];
            }
        }
    }

    /// <summary>Calls refused by an outstanding-request limit, as reported on the meter.</summary>
    public int Rejections => Volatile.Read(ref rejections);

    public void Dispose()
    {
        listener.Dispose();
        host.Dispose();
    }
}
