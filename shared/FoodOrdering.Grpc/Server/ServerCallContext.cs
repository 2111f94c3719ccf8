using FoodOrdering.Grpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace FoodOrdering.Grpc.Server;

/// <summary>What a handler knows about its call (Grpc.Core's ServerCallContext, the parts we need).</summary>
public sealed class ServerCallContext(HttpContext httpContext, string method, DateTime? deadline, Metadata requestHeaders, CancellationToken cancellationToken)
{
    /// <summary>The full method path, e.g. "/ftgo.consumer.v1.ConsumerService/GetConsumer".</summary>
    public string Method { get; } = method;

    /// <summary>When the client gives up (UTC), from its <c>grpc-timeout</c>; null without one.</summary>
    public DateTime? Deadline { get; } = deadline;

    public Metadata RequestHeaders { get; } = requestHeaders;

    /// <summary>Sent with the first response message, or with the status when there is none.</summary>
    public Metadata ResponseHeaders { get; } = [];

    /// <summary>Sent with the status at the end of the call.</summary>
    public Metadata ResponseTrailers { get; } = [];

    /// <summary>Cancelled when the deadline passes or the client cancels the call.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The underlying HTTP/2 request, for what gRPC does not model (like GetHttpContext() in Grpc.AspNetCore).</summary>
    public HttpContext HttpContext { get; } = httpContext;
}
