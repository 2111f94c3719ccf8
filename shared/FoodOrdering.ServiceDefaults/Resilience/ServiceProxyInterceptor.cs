using Grpc.Core;
using Grpc.Core.Interceptors;
using Polly;

namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>
/// The service proxy on the gRPC client side. gRPC failures arrive as HTTP 200 with a grpc-status
/// trailer, so an HTTP-level resilience handler never sees UNAVAILABLE or DEADLINE_EXCEEDED: the
/// downstream's pipeline (<see cref="ServiceProxyPipeline"/>) must run here, around the whole call.
/// Every unary call gets the downstream's default deadline unless it has one (its own, or the one
/// propagated from the call being served, whichever is sooner). Streaming calls pass through untouched:
/// a stream such as "watch an order" may rightly stay open for minutes.
/// </summary>
public sealed class ServiceProxyInterceptor(ResiliencePipeline pipeline, TimeSpan defaultTimeout) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var callContext = WithDefaultDeadline(context);
        // Set when the pipeline lets the call through; faulted when it rejects it (then there was no call).
        var started = new TaskCompletionSource<AsyncUnaryCall<TResponse>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = CallThroughPipelineAsync();

        return new AsyncUnaryCall<TResponse>(
            response,
            ResponseHeadersAsync(started.Task),
            () => Started(started).GetStatus(),
            () => Started(started).GetTrailers(),
            () =>
            {
                if (started.Task.IsCompletedSuccessfully)
                {
                    started.Task.Result.Dispose();
                }
            });

        async Task<TResponse> CallThroughPipelineAsync()
        {
            try
            {
                return await pipeline.ExecuteAsync(async _ =>
                {
                    var call = continuation(request, callContext);
                    started.TrySetResult(call);
                    return await call.ResponseAsync.ConfigureAwait(false);
                }, callContext.Options.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                started.TrySetException(e); // no-op when the call was made and then failed
                throw;
            }
        }
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var callContext = WithDefaultDeadline(context);
        return pipeline.Execute(_ => continuation(request, callContext), callContext.Options.CancellationToken);
    }

    private ClientInterceptorContext<TRequest, TResponse> WithDefaultDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class =>
        context.Options.Deadline is null
            ? new(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + defaultTimeout))
            : context;

    private static async Task<Metadata> ResponseHeadersAsync<TResponse>(Task<AsyncUnaryCall<TResponse>> started) =>
        await (await started.ConfigureAwait(false)).ResponseHeadersAsync.ConfigureAwait(false);

    private static AsyncUnaryCall<TResponse> Started<TResponse>(TaskCompletionSource<AsyncUnaryCall<TResponse>> started) =>
        started.Task.IsCompletedSuccessfully
            ? started.Task.Result
            : throw new InvalidOperationException("The call has not been made (yet): the service proxy rejected it or has not let it through.");
}
