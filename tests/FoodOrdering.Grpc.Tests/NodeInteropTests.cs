using FoodOrdering.Grpc.Client;
using FoodOrdering.Launcher.Processes;

namespace FoodOrdering.Grpc.Tests;

/// <summary>grpc-js (@grpc/grpc-js from npm) as client of our server, and as server for our client.</summary>
public sealed class NodeInteropTests(NodeInteropTests.Peers peers) : IClassFixture<NodeInteropTests.Peers>
{
    /// <summary>Runs the grpc-js client once against our server, and starts the grpc-js server once.</summary>
    public sealed class Peers : IAsyncLifetime
    {
        private InteropPeer? server;

        public IReadOnlyCollection<string> ClientOutput { get; private set; } = [];
        public GrpcChannel ChannelToPeerServer { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await using (var ours = await InProcessGrpcServer.StartAsync())
            {
                ClientOutput = await InteropPeer.RunToEndAsync("node", "client.js", $"127.0.0.1:{ours.Port}");
            }
            var port = Network.FreePort();
            server = InteropPeer.Start("node", "server.js", port.ToString());
            await server.WaitUntilListeningAsync();
            ChannelToPeerServer = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        }

        public async Task DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    public static TheoryData<string> ClientScenarioNames =>
    [
        "unary", "unicode", "error_codes", "internal_error_hides_details", "unknown_method", "deadline_exceeded", "metadata",
        "server_streaming", "server_streaming_early_cancel", "concurrent_150", "bidi_streaming", "health_check", "reflection_v1", "reflection_v1alpha",
    ];

    [Theory]
    [MemberData(nameof(ClientScenarioNames))]
    public void Grpc_js_client_against_our_server(string scenario) =>
        Assert.True(peers.ClientOutput.Contains($"PASS {scenario}"), string.Join(Environment.NewLine, peers.ClientOutput));

    [Theory]
    [MemberData(nameof(ClientScenarios.Names), MemberType = typeof(ClientScenarios))]
    public Task Our_client_against_a_grpc_js_server(string scenario) => ClientScenarios.All[scenario](peers.ChannelToPeerServer);
}
