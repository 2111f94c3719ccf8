using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Grpc.Server;

/// <summary>
/// The two calls a service makes: <c>builder.AddGrpcServer(9081)</c> (an HTTP/2-only Kestrel endpoint
/// of its own, next to the REST one) and <c>app.MapGrpcService&lt;T&gt;()</c> (like Grpc.AspNetCore's
/// <c>AddGrpc()</c> and <c>MapGrpcService&lt;T&gt;()</c>).
/// </summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// Listens for gRPC on "Grpc:Host":"Grpc:Port" (default 127.0.0.1:<paramref name="defaultPort"/>),
    /// HTTP/2 only: cleartext HTTP/2 must be the only protocol of its port, because Kestrel cannot
    /// tell an HTTP/1.1 request from an h2c one without TLS. The REST URLs (--urls) stay as they are.
    /// </summary>
    public static WebApplicationBuilder AddGrpcServer(this WebApplicationBuilder builder, int defaultPort)
    {
        var options = new GrpcServerOptions { Port = defaultPort };
        builder.Configuration.GetSection(GrpcServerOptions.SectionName).Bind(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<GrpcServer>();
        builder.Services.AddSingleton<IStartupFilter>(new GrpcPortStartupFilter(options.Port));

        // One more URL next to the REST ones (--urls), and HTTP/2 as the only protocol of that one.
        var restUrls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.UseUrls([.. restUrls, $"http://{options.Host}:{options.Port}"]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            if (endpoint.IPEndPoint?.Port == options.Port)
            {
                endpoint.Protocols = HttpProtocols.Http2;
            }
        }));
        return builder;
    }

    /// <summary>Serves <typeparamref name="TService"/> on the gRPC endpoint; fails now if a rpc has no method.</summary>
    public static WebApplication MapGrpcService<TService>(this WebApplication app) where TService : class, IGrpcService
    {
        app.Services.GetRequiredService<GrpcServer>().AddService<TService>();
        return app;
    }

    /// <summary>
    /// Sends every request that arrived on the gRPC port to <see cref="GrpcServer"/>, ahead of the
    /// REST pipeline (exception pages, status code pages, Swagger): gRPC answers errors its own way.
    /// </summary>
    private sealed class GrpcPortStartupFilter(int port) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var server = app.ApplicationServices.GetRequiredService<GrpcServer>();
            app.MapWhen(http => http.Connection.LocalPort == port, grpc => grpc.Run(server.HandleAsync));
            next(app);
        };
    }
}
