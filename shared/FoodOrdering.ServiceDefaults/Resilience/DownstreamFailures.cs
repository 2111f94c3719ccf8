using Grpc.Core;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>
/// What counts as a failure of the downstream service for its circuit breaker, explicitly. A domain
/// answer (NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT; HTTP 400, 404, 409) is the downstream
/// working correctly and never trips a breaker; neither does the caller cancelling its own call.
/// </summary>
public static class DownstreamFailures
{
    /// <summary>
    /// gRPC statuses that say the downstream is unreachable, too slow or broken. They arrive as HTTP 200
    /// with a grpc-status trailer, which is why gRPC's breaker runs in a client interceptor and not in
    /// an HTTP handler.
    /// </summary>
    public static readonly IReadOnlySet<StatusCode> GrpcStatuses = new HashSet<StatusCode>
    {
        StatusCode.Unavailable,       // not listening, connection lost, or it said so
        StatusCode.DeadlineExceeded,  // no answer within the network timeout
        StatusCode.Internal,          // it crashed on our call
        StatusCode.ResourceExhausted, // it is overloaded (or a message was over a size limit)
        StatusCode.Unknown,           // an answer that is not gRPC (a proxy's error page, say)
        StatusCode.DataLoss,
    };

    /// <summary>
    /// A failed gRPC call in words, for logs, fallback warnings and problem details: "gRPC Unavailable: ..." with the
    /// status detail when the other side gave one, the status alone when not (a deadline the client enforced has none).
    /// </summary>
    public static string Describe(RpcException e) =>
        e.Status.Detail.Trim().TrimEnd('.') is { Length: > 0 } detail ? $"gRPC {e.StatusCode}: {detail}" : $"gRPC {e.StatusCode}";

    /// <summary>
    /// True for a failing gRPC status, and for what Microsoft.Extensions.Http.Resilience calls transient
    /// over HTTP: an HttpRequestException, our timeout, or a 5xx, 408 or 429 answer.
    /// </summary>
    public static bool IsFailure(Outcome<object> outcome) => outcome switch
    {
        { Exception: RpcException e } => GrpcStatuses.Contains(e.StatusCode),
        { Exception: { } e } => HttpClientResiliencePredicates.IsTransient(Outcome.FromException<HttpResponseMessage>(e)),
        { Result: HttpResponseMessage response } => HttpClientResiliencePredicates.IsTransient(Outcome.FromResult(response)),
        _ => false,
    };
}
