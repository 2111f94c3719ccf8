namespace FoodOrdering.Grpc.Tests;

/// <summary>grpc-js (@grpc/grpc-js from npm) as client of our server, and as server for our client.</summary>
public sealed class NodeInteropTests(NodeInteropTests.Peers peers) : IClassFixture<NodeInteropTests.Peers>
{
    public sealed class Peers : InteropPeers
    {
        protected override string Program => "node";
        protected override string[] ClientArguments(int ourServerPort) => ["client.js", $"127.0.0.1:{ourServerPort}"];
        protected override string[] ServerArguments(int port) => ["server.js", port.ToString()];
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
