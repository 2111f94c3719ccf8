using System.Runtime.CompilerServices;
using FoodOrdering.Grpc.Protocol;
using Google.Protobuf;

namespace FoodOrdering.Grpc.Client;

/// <summary>
/// The client side: calls a gRPC server over an HttpClient that speaks HTTP/2 with prior knowledge
/// (h2c, no TLS), like Grpc.Net.Client's GrpcChannel plus its generated client in one.
/// Every failure is an <see cref="RpcException"/>; deadlines go to the server as <c>grpc-timeout</c>
/// and also end the call here. Unary calls go through an optional <see cref="IUnaryCallPolicy"/>
/// (timeouts, circuit breaker); transport-level concerns can be DelegatingHandlers of the HttpClient.
/// </summary>
public sealed class GrpcChannel(HttpClient http, IUnaryCallPolicy? policy = null, int maxMessageSize = MessageFraming.DefaultMaxMessageSize)
{
    /// <summary>A channel to e.g. "http://127.0.0.1:9081" on an HttpClient of its own.</summary>
    public static GrpcChannel ForAddress(string address, IUnaryCallPolicy? policy = null) =>
        new(CreateHttpClient(address), policy);

    /// <summary>
    /// An HttpClient fit for gRPC: no overall timeout (a stream may run for long; deadlines bound each
    /// call), more than one HTTP/2 connection when one runs out of streams, and a receive window as
    /// large as Kestrel's (768 KiB), so a 100 KB response arrives without waiting for WINDOW_UPDATEs.
    /// </summary>
    public static HttpClient CreateHttpClient(string address, HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true, InitialHttp2StreamWindowSize = 768 * 1024 })
        {
            BaseAddress = new Uri(address),
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        (await UnaryCallAsync(method, request, options)).Response;

    /// <summary>A unary call, with the response headers and trailers.</summary>
    public Task<UnaryResult<TResponse>> UnaryCallAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        policy is null
            ? InvokeUnaryAsync(method, request, options)
            : policy.ExecuteAsync(token => InvokeUnaryAsync(method, request, options with { CancellationToken = token }), options.CancellationToken);

    private async Task<UnaryResult<TResponse>> InvokeUnaryAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        using var call = await ClientCall.StartAsync(http, method.Path, request, options, maxMessageSize);
        var response = await call.ReadMessageAsync(method.ResponseParser);
        if (await call.ReadMessageAsync(method.ResponseParser) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The server sent more than one message for a unary call.");
        }
        var trailers = call.Finish();
        return new UnaryResult<TResponse>(
            response ?? throw new RpcException(StatusCode.Internal, "The server ended a unary call with OK but no message."),
            call.ResponseHeaders, trailers);
    }

    /// <summary>
    /// A server-streaming call as an async stream. Stop reading early (break, or cancel
    /// <see cref="CallOptions.CancellationToken"/>) and the call is cancelled on the server too.
    /// </summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request,
        CallOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, cancellationToken);
        using var call = await ClientCall.StartAsync(http, method.Path, request, options with { CancellationToken = linked.Token }, maxMessageSize);
        while (await call.ReadMessageAsync(method.ResponseParser) is { } message)
        {
            yield return message;
        }
        call.Finish();
    }
}
