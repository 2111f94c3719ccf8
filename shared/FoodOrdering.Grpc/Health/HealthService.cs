using FoodOrdering.Grpc.Contracts.Health.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Hosting;
using ServingStatus = FoodOrdering.Grpc.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FoodOrdering.Grpc.Health;

/// <summary>
/// gRPC's standard health service (grpc.health.v1.Health), so gRPC-aware probes can ask a service
/// directly. "" means the whole server; a service's full name asks about that service. A service
/// is SERVING while the process runs and NOT_SERVING once it is shutting down.
/// </summary>
public sealed class HealthService(GrpcServer server, IHostApplicationLifetime lifetime) : IGrpcService
{
    public static ServiceDescriptor Descriptor => HealthReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Health");

    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        IsKnown(request.Service)
            ? Task.FromResult(new HealthCheckResponse { Status = CurrentStatus })
            : throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");

    /// <summary>
    /// Sends the status now, and again when it changes (here: NOT_SERVING at shutdown), until the
    /// client stops watching. An unknown service is SERVICE_UNKNOWN, as the protocol asks for Watch.
    /// </summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        var known = IsKnown(request.Service);
        await responses.WriteAsync(new HealthCheckResponse { Status = known ? CurrentStatus : ServingStatus.ServiceUnknown });

        var stopping = new TaskCompletionSource();
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        using (context.CancellationToken.Register(() => stopping.TrySetCanceled()))
        {
            await stopping.Task;
        }
        if (known)
        {
            await responses.WriteAsync(new HealthCheckResponse { Status = ServingStatus.NotServing });
        }
    }

    private ServingStatus CurrentStatus =>
        lifetime.ApplicationStopping.IsCancellationRequested ? ServingStatus.NotServing : ServingStatus.Serving;

    private bool IsKnown(string service) => service.Length == 0 || server.Services.Any(s => s.FullName == service);
}
