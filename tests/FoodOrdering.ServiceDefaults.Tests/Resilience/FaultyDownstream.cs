using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Grpc;
using FoodOrdering.ServiceDefaults.Resilience;
using FoodOrdering.ServiceDefaults.Tests.Resilience.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Tests.Resilience;

/// <summary>
/// A real downstream service on free loopback ports, hosted as our services are (Kestrel, gRPC on its
/// own HTTP/2 port via AddGrpcServer, REST next to it), that answers, fails or hangs on command
/// (<see cref="Behaviour"/>): gRPC TestDownstream/Call and OtherDownstream/Call, and HTTP GET /work.
/// Given <c>forwardTo</c>, it passes gRPC calls with <c>forward</c> set on to that address through a
/// service proxy named "next".
/// </summary>
public sealed class FaultyDownstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private FaultyDownstream(WebApplication app, int grpcPort, string httpUrl)
    {
        this.app = app;
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
        HttpUrl = httpUrl;
    }

    public string GrpcUrl { get; }
    public string HttpUrl { get; }
    public DownstreamBehaviour Behaviour => app.Services.GetRequiredService<DownstreamBehaviour>();

    public static async Task<FaultyDownstream> StartAsync(string? forwardTo = null)
    {
        var grpcPort = Network.FreePort();
        var httpUrl = $"http://127.0.0.1:{Network.FreePort()}";
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = httpUrl;
        builder.Logging.ClearProviders();
        builder.AddGrpcServer(defaultPort: grpcPort);
        builder.Services.AddSingleton<DownstreamBehaviour>();
        if (forwardTo is not null)
        {
            builder.Configuration["Downstreams:next:GrpcAddress"] = forwardTo;
            builder.Configuration["Downstreams:next:Timeout"] = "00:00:30";
            builder.AddGrpcServiceProxy<TestDownstream.TestDownstreamClient>("next");
        }

        var app = builder.Build();
        app.MapGrpcService<TestDownstreamService>();
        app.MapGrpcService<OtherDownstreamService>();
        app.MapGet("/work", async (DownstreamBehaviour behaviour, CancellationToken cancellationToken) =>
        {
            try
            {
                await behaviour.HandleAsync(null, cancellationToken);
                return Results.Ok();
            }
            catch (RpcException e)
            {
                return Results.StatusCode(HttpStatusFor(e.StatusCode));
            }
        });
        await app.StartAsync();
        return new FaultyDownstream(app, grpcPort, httpUrl);
    }

    public async ValueTask DisposeAsync()
    {
        Behaviour.Answer(); // let hanging calls end before the server stops
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int HttpStatusFor(StatusCode code) => code switch
    {
        StatusCode.NotFound => 404,
        StatusCode.InvalidArgument => 400,
        StatusCode.FailedPrecondition => 409,
        StatusCode.Unavailable => 503,
        _ => 500,
    };

    private sealed class TestDownstreamService(DownstreamBehaviour behaviour, IServiceProvider services) : TestDownstream.TestDownstreamBase
    {
        public override async Task<CallResponse> Call(CallRequest request, ServerCallContext context)
        {
            if (request.Forward)
            {
                // No deadline, no token: the service proxy propagates this call's own.
                return await services.GetRequiredService<TestDownstream.TestDownstreamClient>().CallAsync(new CallRequest());
            }
            return await behaviour.HandleAsync(context, context.CancellationToken);
        }
    }

    private sealed class OtherDownstreamService(DownstreamBehaviour behaviour) : OtherDownstream.OtherDownstreamBase
    {
        public override Task<CallResponse> Call(CallRequest request, ServerCallContext context) => behaviour.HandleAsync(context, context.CancellationToken);
    }
}

/// <summary>What a <see cref="FaultyDownstream"/> does with the calls it receives, and what it saw.</summary>
public sealed class DownstreamBehaviour
{
    private readonly object gate = new();
    private StatusCode failWith = StatusCode.OK;
    private TaskCompletionSource? hang;
    private int received;
    private int inFlight;
    private int cancelled;

    public int Received => Volatile.Read(ref received);
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Calls that were still running when their caller's deadline or cancellation ended them.</summary>
    public int Cancelled => Volatile.Read(ref cancelled);

    public void Answer() => Set(StatusCode.OK, hang: false);
    public void FailWith(StatusCode code) => Set(code, hang: false);

    /// <summary>Calls wait until the behaviour changes or their caller gives up.</summary>
    public void Hang() => Set(StatusCode.OK, hang: true);

    private void Set(StatusCode code, bool hang)
    {
        lock (gate)
        {
            failWith = code;
            this.hang?.TrySetResult(); // release the calls hanging so far
            this.hang = hang ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        }
    }

    internal async Task<CallResponse> HandleAsync(ServerCallContext? context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref received);
        Interlocked.Increment(ref inFlight);
        try
        {
            Task? hanging;
            lock (gate)
            {
                hanging = hang?.Task;
            }
            if (hanging is not null)
            {
                await hanging.WaitAsync(cancellationToken);
            }
            StatusCode code;
            lock (gate)
            {
                code = failWith;
            }
            if (code != StatusCode.OK)
            {
                throw new RpcException(new Status(code, $"failing with {code} on command"));
            }
            var deadline = context?.Deadline ?? DateTime.MaxValue;
            return new CallResponse { DeadlineRemainingMs = deadline == DateTime.MaxValue ? -1 : (long)(deadline - DateTime.UtcNow).TotalMilliseconds };
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref cancelled);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }
}
