using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>One downstream's circuit breaker as code (and soon an admin endpoint) sees it.</summary>
/// <param name="Downstream">The downstream's name, as in <c>Downstreams:{name}</c>.</param>
/// <param name="State">Closed (calls flow), Open (calls fail fast), HalfOpen (one probe call is let through).</param>
/// <param name="Since">When it entered this state; null while it has never changed.</param>
public sealed record CircuitBreakerStatus(string Downstream, CircuitState State, DateTimeOffset? Since);

/// <summary>
/// The circuit breaker of every downstream this service calls, one per downstream service (gRPC and
/// HTTP calls to it share it): their current state for code to read, every state change logged, and
/// both exported as metrics on the meter <see cref="ServiceProxyTelemetry.MeterName"/>.
/// </summary>
public sealed class CircuitBreakers
{
    private readonly ConcurrentDictionary<string, Breaker> breakers = new();
    private readonly ILogger<CircuitBreakers> logger;
    private readonly Counter<long> transitions;
    private readonly Counter<long> rejections;

    public CircuitBreakers(IEnumerable<ServiceProxyRegistration> downstreams, IMeterFactory meterFactory, ILogger<CircuitBreakers> logger)
    {
        this.logger = logger;
        foreach (var downstream in downstreams)
        {
            breakers.TryAdd(downstream.Name, new Breaker());
        }

        var meter = meterFactory.Create(ServiceProxyTelemetry.MeterName);
        transitions = meter.CreateCounter<long>(ServiceProxyTelemetry.Transitions, description: "Circuit breaker state changes, by downstream and new state.");
        rejections = meter.CreateCounter<long>(ServiceProxyTelemetry.Rejections, description: "Calls a service proxy refused without calling the downstream, by downstream and reason.");
        meter.CreateObservableGauge(ServiceProxyTelemetry.State,
            () => All.Select(b => new Measurement<int>((int)b.State, new KeyValuePair<string, object?>(ServiceProxyTelemetry.DownstreamTag, b.Downstream))),
            description: "Circuit breaker state by downstream: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>Every downstream's breaker, by name.</summary>
    public IReadOnlyList<CircuitBreakerStatus> All =>
        [.. breakers.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new CircuitBreakerStatus(b.Key, b.Value.State, b.Value.Since))];

    public CircuitState StateOf(string downstream) => BreakerOf(downstream).State;

    /// <summary>The breaker's state as Polly reports it, attached when the downstream's pipeline is built.</summary>
    internal CircuitBreakerStateProvider StateProviderOf(string downstream) => BreakerOf(downstream).StateProvider;

    internal void Opened(string downstream, TimeSpan breakDuration, string cause)
    {
        Changed(downstream, CircuitState.Open);
        logger.LogWarning("Circuit breaker of {Downstream} opened: calls fail fast for {BreakDuration} (last failure: {Cause})",
            downstream, breakDuration, cause);
    }

    internal void HalfOpened(string downstream)
    {
        Changed(downstream, CircuitState.HalfOpen);
        logger.LogInformation("Circuit breaker of {Downstream} half-open: one probe call goes through", downstream);
    }

    internal void Closed(string downstream)
    {
        Changed(downstream, CircuitState.Closed);
        logger.LogInformation("Circuit breaker of {Downstream} closed: calls flow again", downstream);
    }

    internal void Rejected(string downstream, string reason) =>
        rejections.Add(1, new(ServiceProxyTelemetry.DownstreamTag, downstream), new(ServiceProxyTelemetry.ReasonTag, reason));

    private void Changed(string downstream, CircuitState state)
    {
        BreakerOf(downstream).Since = DateTimeOffset.UtcNow;
        transitions.Add(1, new(ServiceProxyTelemetry.DownstreamTag, downstream), new(ServiceProxyTelemetry.StateTag, ServiceProxyTelemetry.StateName(state)));
    }

    private Breaker BreakerOf(string downstream) =>
        breakers.TryGetValue(downstream, out var breaker)
            ? breaker
            : throw new InvalidOperationException($"No service proxy is registered for downstream '{downstream}'.");

    private sealed class Breaker
    {
        public CircuitBreakerStateProvider StateProvider { get; } = new();
        public DateTimeOffset? Since { get; set; }

        public CircuitState State => StateProvider.CircuitState;
    }
}

/// <summary>A downstream this service calls through a service proxy (one registration per name).</summary>
public sealed record ServiceProxyRegistration(string Name);

/// <summary>
/// The names under which service proxies report, for dashboards and for the OpenTelemetry wiring
/// (<c>AddMeter(ServiceProxyTelemetry.MeterName)</c>). Polly reports its own events too, on the meter
/// "Polly" and in the log category "Polly".
/// </summary>
public static class ServiceProxyTelemetry
{
    public const string MeterName = "FoodOrdering.ServiceProxies";

    /// <summary>Observable gauge: 0 closed, 1 open, 2 half-open, 3 isolated; tag <c>downstream</c>.</summary>
    public const string State = "ftgo.circuit_breaker.state";

    /// <summary>Counter of state changes; tags <c>downstream</c> and <c>state</c> (closed, open, half_open).</summary>
    public const string Transitions = "ftgo.circuit_breaker.transitions";

    /// <summary>Counter of calls refused by the outstanding-request limit; tags <c>downstream</c> and <c>reason</c>.</summary>
    public const string Rejections = "ftgo.service_proxy.rejections";

    public const string DownstreamTag = "downstream";
    public const string StateTag = "state";
    public const string ReasonTag = "reason";
    public const string TooManyOutstandingRequests = "too_many_outstanding_requests";

    public static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };
}
