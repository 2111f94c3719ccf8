using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Faults;

/// <summary>
/// The service's current <see cref="FaultSetting"/> and the one place that applies it: the REST
/// middleware and the gRPC interceptor both ask <see cref="InjectAsync"/> before a call runs. Every
/// change is logged; the setting, the injected faults and the calls held by injected latency are
/// metrics on the meter <see cref="FaultTelemetry.MeterName"/>.
/// </summary>
public sealed class FaultInjector
{
    private readonly ILogger<FaultInjector> logger;
    private readonly Counter<long> injected;
    private readonly UpDownCounter<long> delayed;
    private volatile FaultSetting current = FaultSetting.None;

    public FaultInjector(IMeterFactory meterFactory, ILogger<FaultInjector> logger)
    {
        this.logger = logger;
        var meter = meterFactory.Create(FaultTelemetry.MeterName);
        injected = meter.CreateCounter<long>(FaultTelemetry.Injected, description: "Faults injected into calls, by protocol and fault (latency, error).");
        delayed = meter.CreateUpDownCounter<long>(FaultTelemetry.Delayed, description: "Calls waiting in injected latency right now, by protocol.");
        meter.CreateObservableGauge(FaultTelemetry.Latency, () => new Measurement<int>(current.LatencyMs, Scoped()), unit: "ms",
            description: "The injected latency of the current fault setting.");
        meter.CreateObservableGauge(FaultTelemetry.ErrorRatio, () => new Measurement<double>(current.ErrorRatio, Scoped()),
            description: "The share of calls failed on purpose by the current fault setting.");
    }

    public FaultSetting Current => current;

    public void Set(FaultSetting setting)
    {
        current = setting;
        logger.LogWarning("Fault injection set: {LatencyMs} ms added latency and error ratio {ErrorRatio} on {Scope} calls",
            setting.LatencyMs, setting.ErrorRatio, setting.Scope);
    }

    public void Clear()
    {
        current = FaultSetting.None;
        logger.LogWarning("Fault injection cleared: calls are served normally again");
    }

    /// <summary>
    /// Applies the current setting to one call of <paramref name="protocol"/>: waits the latency (ending
    /// early with <see cref="OperationCanceledException"/> when the caller gives up, so an abandoned call
    /// holds nothing), then says whether the call must fail.
    /// </summary>
    public async Task<bool> InjectAsync(string protocol, CancellationToken cancellationToken)
    {
        var setting = current; // one setting for the whole call, even if it changes meanwhile
        if (!setting.AppliesTo(protocol))
        {
            return false;
        }
        if (setting.LatencyMs > 0)
        {
            injected.Add(1, new(FaultTelemetry.ProtocolTag, protocol), new(FaultTelemetry.FaultTag, "latency"));
            delayed.Add(1, new KeyValuePair<string, object?>(FaultTelemetry.ProtocolTag, protocol));
            try
            {
                await Task.Delay(setting.LatencyMs, cancellationToken);
            }
            finally
            {
                delayed.Add(-1, new KeyValuePair<string, object?>(FaultTelemetry.ProtocolTag, protocol));
            }
        }
        if (Random.Shared.NextDouble() < setting.ErrorRatio)
        {
            injected.Add(1, new(FaultTelemetry.ProtocolTag, protocol), new(FaultTelemetry.FaultTag, "error"));
            return true;
        }
        return false;
    }

    /// <summary>What a failed call says, so nobody hunts for a bug that was asked for.</summary>
    public static string ErrorDetail(FaultSetting setting) =>
        $"Fault injected on purpose (error ratio {setting.ErrorRatio} on {setting.Scope} calls, set by POST /_admin/faults; DELETE /_admin/faults clears it).";

    private KeyValuePair<string, object?> Scoped() => new(FaultTelemetry.ScopeTag, current.Scope);
}

/// <summary>The names fault injection reports under (Prometheus: ftgo_faults_...).</summary>
public static class FaultTelemetry
{
    public const string MeterName = "FoodOrdering.Faults";

    /// <summary>Observable gauge: the injected latency in ms; tag <c>scope</c>.</summary>
    public const string Latency = "ftgo.faults.latency";

    /// <summary>Observable gauge: the error ratio; tag <c>scope</c>.</summary>
    public const string ErrorRatio = "ftgo.faults.error_ratio";

    /// <summary>Counter of injected faults; tags <c>protocol</c> (rest, grpc) and <c>fault</c> (latency, error).</summary>
    public const string Injected = "ftgo.faults.injected";

    /// <summary>Up-down counter: calls waiting in injected latency now; tag <c>protocol</c>.</summary>
    public const string Delayed = "ftgo.faults.delayed";

    public const string ScopeTag = "scope";
    public const string ProtocolTag = "protocol";
    public const string FaultTag = "fault";
}
