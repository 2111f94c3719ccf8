using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Server;
using FoodOrdering.LocalSystem.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// A real Kestrel server in the test process, gRPC endpoint on a free port (plus a REST port,
/// as every service has), serving <see cref="InteropService"/> through our layer.
/// </summary>
public sealed class InProcessGrpcServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessGrpcServer(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
        Address = $"http://127.0.0.1:{port}";
        Channel = GrpcChannel.ForAddress(Address);
    }

    public int Port { get; }
    public string Address { get; }
    public GrpcChannel Channel { get; }
    public InteropObserver Observer => app.Services.GetRequiredService<InteropObserver>();
    public IServiceProvider Services => app.Services;

    public static async Task<InProcessGrpcServer> StartAsync(int maxMessageSize = 4 * 1024 * 1024)
    {
        var port = Network.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = $"http://127.0.0.1:{Network.FreePort()}";
        builder.Configuration["Grpc:MaxMessageSize"] = maxMessageSize.ToString();
        builder.Configuration["Grpc:Port"] = port.ToString();
        builder.Logging.ClearProviders();
        builder.AddGrpcServer(defaultPort: 0);
        builder.Services.AddSingleton<InteropObserver>();

        var app = builder.Build();
        app.MapGrpcService<InteropService>();
        await app.StartAsync();
        return new InProcessGrpcServer(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
