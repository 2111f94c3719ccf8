using System.Diagnostics;
using FoodOrdering.Domain;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Grpc;

/// <summary>
/// Domain outcomes as gRPC status codes, in one place (the gRPC twin of ProblemDetailsExceptionHandler):
/// <list type="bullet">
/// <item><see cref="NotFoundException"/> (an unknown consumer) is NOT_FOUND;</item>
/// <item><see cref="InvalidInputException"/> (malformed money) is INVALID_ARGUMENT;</item>
/// <item><see cref="DomainException"/> (a rule said no: an order over the consumer's limit) is FAILED_PRECONDITION;</item>
/// <item>anything else is INTERNAL with no details (they stay in the log, found by the trace id in the message).</item>
/// </list>
/// Service classes throw domain exceptions and never build a status themselves. A call that is already
/// over (its deadline passed or the client cancelled) is left to Grpc.AspNetCore, which answers
/// DEADLINE_EXCEEDED or CANCELLED.
/// </summary>
public sealed class GrpcExceptionInterceptor(ILogger<GrpcExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (ToStatus(e, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (ToStatus(e, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (ToStatus(e, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (ToStatus(e, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    /// <summary>The status for <paramref name="exception"/>, or null to let it pass unchanged.</summary>
    private Status? ToStatus(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null; // already a status
            case var _ when context.CancellationToken.IsCancellationRequested:
                return null; // deadline exceeded or cancelled by the client: Grpc.AspNetCore says which
            case NotFoundException e:
                return new Status(StatusCode.NotFound, e.Message);
            case InvalidInputException e:
                return new Status(StatusCode.InvalidArgument, e.Message);
            case DomainException e:
                return new Status(StatusCode.FailedPrecondition, e.Message);
            default:
                var traceId = Activity.Current?.TraceId.ToString() ?? context.GetHttpContext().TraceIdentifier;
                logger.LogError(exception, "Unhandled exception in gRPC call {Method}", context.Method);
                return new Status(StatusCode.Internal, $"An unexpected error occurred. See the service log for trace id {traceId}.");
        }
    }
}
