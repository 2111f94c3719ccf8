namespace FoodOrdering.Grpc.Client;

/// <summary>
/// The hook for resilience on unary calls: the channel hands every unary call to the policy as a
/// function that it may run, time out, retry or refuse (an open circuit breaker). A proxy plugs a
/// Polly pipeline in here; a failed call arrives as an <see cref="Protocol.RpcException"/> whose
/// status says what happened (UNAVAILABLE, DEADLINE_EXCEEDED, ...). The role of an Interceptor in
/// Grpc.Net.Client.
/// </summary>
public interface IUnaryCallPolicy
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken);
}
