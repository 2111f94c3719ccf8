using System.Threading.RateLimiting;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>
/// The defences of a robust service proxy ("Microservices Patterns" 3.2.2), as one Polly pipeline per
/// downstream service that its gRPC and HTTP calls share:
/// <list type="number">
/// <item>a limit on outstanding requests: past <see cref="ServiceProxyOptions.MaxOutstandingRequests"/> calls in
/// flight, the next one is rejected at once (<see cref="RateLimiterRejectedException"/>), never queued, so a
/// hanging downstream cannot pile up the caller's threads and memory;</item>
/// <item>a circuit breaker: when the share of failed calls (<see cref="DownstreamFailures"/>) in the sampling
/// window reaches the threshold, every call fails fast (<see cref="BrokenCircuitException"/>) for the break
/// duration; then one probe call is let through (half-open): success closes the circuit, failure opens it again.</item>
/// </list>
/// The third defence, the network timeout, is the gRPC deadline (<see cref="ServiceProxyInterceptor"/>) or,
/// for HTTP, Polly's timeout inside this pipeline, so that a timeout counts as a failure.
/// Both rejections derive from Polly's <see cref="ExecutionRejectedException"/>: "the proxy did not call".
/// </summary>
public static class ServiceProxyPipeline
{
    /// <summary>The key of a downstream's pipeline in Polly's registry.</summary>
    public static string Key(string downstream) => $"service-proxy:{downstream}";

    internal static void Build(ResiliencePipelineBuilder pipeline, string downstream, ServiceProxyOptions options, CircuitBreakers circuitBreakers)
    {
        pipeline.AddRateLimiter(new RateLimiterStrategyOptions
        {
            Name = "OutstandingRequestLimit",
            DefaultRateLimiterOptions = new ConcurrencyLimiterOptions { PermitLimit = options.MaxOutstandingRequests, QueueLimit = 0 },
            OnRejected = _ =>
            {
                circuitBreakers.Rejected(downstream, ServiceProxyTelemetry.TooManyOutstandingRequests);
                return default;
            },
        });
        pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            Name = "CircuitBreaker",
            FailureRatio = options.CircuitBreaker.FailureRatio,
            SamplingDuration = options.CircuitBreaker.SamplingDuration,
            MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
            BreakDuration = options.CircuitBreaker.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(DownstreamFailures.IsFailure(args.Outcome)),
            StateProvider = circuitBreakers.StateProviderOf(downstream),
            OnOpened = args =>
            {
                circuitBreakers.Opened(downstream, args.BreakDuration, Describe(args.Outcome));
                return default;
            },
            OnHalfOpened = _ =>
            {
                circuitBreakers.HalfOpened(downstream);
                return default;
            },
            OnClosed = _ =>
            {
                circuitBreakers.Closed(downstream);
                return default;
            },
        });
    }

    private static string Describe(Outcome<object> outcome) => outcome switch
    {
        { Exception: RpcException e } => DownstreamFailures.Describe(e),
        { Exception: { } e } => e.GetType().Name,
        { Result: HttpResponseMessage response } => $"HTTP {(int)response.StatusCode}",
        _ => "unknown",
    };
}
