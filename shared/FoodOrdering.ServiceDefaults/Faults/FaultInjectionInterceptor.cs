using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FoodOrdering.ServiceDefaults.Faults;

/// <summary>
/// Fault injection for gRPC calls, every kind (unary and streaming): the current <see cref="FaultSetting"/>'s
/// latency before the service method runs, ended by the call's deadline or cancellation, then, for the
/// share of calls its error ratio says, UNAVAILABLE with a detail saying the fault was injected (the
/// status a real outage gives, so a caller's circuit breaker counts it). grpc.health.v1 and reflection are
/// never affected, like /health over REST.
/// </summary>
internal sealed class FaultInjectionInterceptor(FaultInjector faults) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await BeforeCallAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await BeforeCallAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await BeforeCallAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await BeforeCallAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task BeforeCallAsync(ServerCallContext context)
    {
        if (context.Method.StartsWith("/grpc.health.", StringComparison.Ordinal) || context.Method.StartsWith("/grpc.reflection.", StringComparison.Ordinal))
        {
            return;
        }
        // A deadline or cancellation during the latency ends the call here; Grpc.AspNetCore answers
        // DEADLINE_EXCEEDED or CANCELLED, as for any call that outlives its caller.
        if (await faults.InjectAsync(FaultSetting.Grpc, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, FaultInjector.ErrorDetail(faults.Current)));
        }
    }
}
