using FoodOrdering.ServiceDefaults.Resilience;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;

namespace FoodOrdering.Order.Proxies;

/// <summary>A downstream service could not answer (down, too slow, or its breaker open): REST 503, or a fallback.</summary>
public sealed class ServiceUnavailableException(string downstream, string reason, Exception inner)
    : Exception($"The {downstream} service is unavailable: {reason}.", inner)
{
    public string Downstream { get; } = downstream;
    public string Reason { get; } = reason;

    /// <summary>
    /// Why the downstream could not answer, or null when the exception is not about that (a domain answer
    /// such as NOT_FOUND, which each proxy translates itself). The same for every proxy of this service.
    /// </summary>
    public static string? ReasonFor(Exception exception) => exception switch
    {
        BrokenCircuitException => "its circuit breaker is open: calls fail fast until a probe call succeeds",
        ExecutionRejectedException => "too many calls to it are outstanding",
        RpcException e when DownstreamFailures.GrpcStatuses.Contains(e.StatusCode) => DownstreamFailures.Describe(e),
        _ => null,
    };
}
