using FoodOrdering.GrpcBenchmark.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Grpc;
using Grpc.Core;

namespace FoodOrdering.GrpcBenchmark;

/// <summary>
/// One process-local server, hosted the way every service is (AddGrpcServer: Grpc.AspNetCore on an
/// HTTP/2-only port): ftgo.benchmark.v1.EchoService over gRPC and the same operation as POST /echo in JSON.
/// It answers, fails with UNAVAILABLE, or hangs until the caller gives up, on command.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private EchoServer(WebApplication app, int grpcPort, string restUrl)
    {
        this.app = app;
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
        RestUrl = restUrl;
    }

    public string GrpcUrl { get; }
    public string RestUrl { get; }
    public Behaviour Behaviour => app.Services.GetRequiredService<Behaviour>();

    public static async Task<EchoServer> StartAsync()
    {
        var grpcPort = Network.FreePort();
        var restUrl = $"http://127.0.0.1:{Network.FreePort()}";
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = restUrl;
        builder.Logging.ClearProviders();
        builder.AddGrpcServer(defaultPort: grpcPort);
        builder.Services.AddSingleton<Behaviour>();
        var app = builder.Build();
        app.MapPost("/echo", (EchoJson request) => TypedResults.Ok(request)); // REST/JSON: the very same operation
        app.MapGrpcService<EchoGrpcService>();
        await app.StartAsync();
        return new EchoServer(app, grpcPort, restUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>What the echo service does with the next calls, and how many reached it.</summary>
public sealed class Behaviour
{
    private int callsReceived;

    public volatile BehaviourMode Mode = BehaviourMode.Answer;
    public int CallsReceived => Volatile.Read(ref callsReceived);
    internal void Received() => Interlocked.Increment(ref callsReceived);
}

public enum BehaviourMode { Answer, FailUnavailable, Hang }

public sealed class EchoGrpcService(Behaviour behaviour) : EchoService.EchoServiceBase
{
    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        behaviour.Received();
        switch (behaviour.Mode)
        {
            case BehaviourMode.FailUnavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, "failing on command"));
            case BehaviourMode.Hang:
                await Task.Delay(Timeout.Infinite, context.CancellationToken); // until the deadline
                break;
        }
        return new EchoResponse { Text = request.Text, Payload = request.Payload };
    }
}

/// <summary>The REST/JSON twin of EchoRequest/EchoResponse (bytes travel as base64, as JSON does).</summary>
public sealed record EchoJson(string Text, byte[] Payload);
