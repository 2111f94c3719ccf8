using FoodOrdering.Grpc.Client;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// One real gRPC implementation, both ways, once per test class: its client script runs every
/// scenario against our in-process server, and its server script is started for our client to call.
/// Each language says only how to run its two scripts.
/// </summary>
public abstract class InteropPeers : IAsyncLifetime
{
    private InteropPeer? server;

    /// <summary>What the client script printed: "PASS scenario" or "FAIL scenario: why", one line each.</summary>
    public IReadOnlyCollection<string> ClientOutput { get; private set; } = [];

    public GrpcChannel ChannelToPeerServer { get; private set; } = null!;

    protected abstract string Program { get; }
    protected abstract string[] ClientArguments(int ourServerPort);
    protected abstract string[] ServerArguments(int port);

    public virtual async Task InitializeAsync()
    {
        await using (var ours = await InProcessGrpcServer.StartAsync())
        {
            ClientOutput = await InteropPeer.RunToEndAsync(Program, ClientArguments(ours.Port));
        }
        var port = Network.FreePort();
        server = InteropPeer.Start(Program, ServerArguments(port));
        try
        {
            await server.WaitUntilListeningAsync();
        }
        catch
        {
            // Do not count on the test framework disposing a fixture that failed to start.
            await server.DisposeAsync();
            server = null;
            throw;
        }
        ChannelToPeerServer = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public virtual async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
