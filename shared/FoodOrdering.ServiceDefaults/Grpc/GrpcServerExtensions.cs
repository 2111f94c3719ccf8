using FoodOrdering.ServiceDefaults.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.ServiceDefaults.Grpc;

/// <summary>
/// gRPC for a service, the standard way (Grpc.AspNetCore), in one line:
/// <c>builder.AddGrpcServer(defaultPort: 9081)</c>, then <c>app.MapGrpcService&lt;ConsumerGrpcService&gt;()</c>.
/// <c>MapDefaultEndpoints</c> adds grpc.health.v1 (the same answer as /health/ready) and server reflection.
/// </summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// Grpc.AspNetCore with our status mapping (<see cref="GrpcExceptionInterceptor"/>), fault injection
    /// when it is enabled (<see cref="Faults.FaultInjectionInterceptor"/>), message size limits, health and reflection, listening on "Grpc:Host":"Grpc:Port" (default
    /// 127.0.0.1:<paramref name="defaultPort"/>), HTTP/2 only: cleartext HTTP/2 must be the only protocol
    /// of its port, because without TLS Kestrel cannot tell an HTTP/1.1 request from an h2c one. REST
    /// stays on the URLs from --urls.
    /// </summary>
    public static WebApplicationBuilder AddGrpcServer(this WebApplicationBuilder builder, int defaultPort)
    {
        var endpoint = new GrpcEndpointOptions { Port = defaultPort };
        builder.Configuration.GetSection(GrpcEndpointOptions.SectionName).Bind(endpoint);
        builder.Services.AddSingleton(endpoint);

        var faultsEnabled = builder.AddFaultInjection();
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<GrpcExceptionInterceptor>();
            if (faultsEnabled)
            {
                o.Interceptors.Add<FaultInjectionInterceptor>(); // latency and UNAVAILABLE on command (/_admin/faults)
            }
            o.MaxReceiveMessageSize = endpoint.MaxMessageSize;
            o.MaxSendMessageSize = endpoint.MaxMessageSize;
        });
        builder.Services.AddGrpcReflection();
        // grpc.health.v1 "" (the whole server) runs the same checks as /health/ready, on every Check
        // (no cache), so a load balancer or Kubernetes gRPC probe sees what the REST probe sees.
        builder.Services.AddGrpcHealthChecks(o =>
        {
            o.Services.Clear();
            o.Services.Map("", check => check.Tags.Contains(ServiceDefaultsExtensions.ReadyTag));
        });

        // One more URL next to the REST ones (--urls), and HTTP/2 as the only protocol of that one.
        var restUrls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.UseUrls([.. restUrls, $"http://{endpoint.Host}:{endpoint.Port}"]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == endpoint.Port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        return builder;
    }

    /// <summary>grpc.health.v1 and server reflection (v1 and v1alpha), when the service called <see cref="AddGrpcServer"/>.</summary>
    internal static void MapGrpcDefaults(this WebApplication app)
    {
        if (app.Services.GetService<GrpcEndpointOptions>() is null)
        {
            return;
        }
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
    }
}
