using FoodOrdering.Grpc.Health;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Reflection;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Grpc.Server;

/// <summary>
/// A service's gRPC endpoint: the table of bound methods, and the one entry point every request on
/// the gRPC port goes through (Grpc.AspNetCore routes each method as an endpoint; one table lookup
/// is all we need). Health and server reflection are always there.
/// </summary>
public sealed class GrpcServer
{
    private readonly Dictionary<string, ServerMethod> methods = [];
    private readonly List<ServiceDescriptor> services = [];
    private readonly GrpcServerOptions options;
    private readonly ILogger<GrpcServer> logger;

    public GrpcServer(GrpcServerOptions options, ILogger<GrpcServer> logger)
    {
        this.options = options;
        this.logger = logger;
        AddService<HealthService>();
        AddService<ServerReflectionService>();
        AddService<ServerReflectionV1AlphaService>();
    }

    /// <summary>The services served, in the order they were added (what reflection lists).</summary>
    public IReadOnlyList<ServiceDescriptor> Services => services;

    /// <summary>Binds every rpc of <typeparamref name="TService"/>; call it before the application starts.</summary>
    public void AddService<TService>() where TService : class, IGrpcService
    {
        foreach (var method in ServiceBinder.Bind<TService>())
        {
            methods.Add(method.Path, method);
        }
        services.Add(TService.Descriptor);
    }

    public async Task HandleAsync(HttpContext http)
    {
        if (!GrpcHeaders.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        var call = new ServerCall(http, options, logger);
        if (!HttpMethods.IsPost(http.Request.Method) || !methods.TryGetValue(http.Request.Path.Value ?? "", out var method))
        {
            call.Fail(new Status(StatusCode.Unimplemented, $"Method not found: {http.Request.Path.Value}"));
            return;
        }
        await call.RunAsync(context => method.Handler(call, context));
    }
}
