using FoodOrdering.Grpc.Contracts.Health.V1;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Contracts.Reflection.V1;
using FoodOrdering.Grpc.Reflection;

namespace FoodOrdering.Grpc.Tests;

/// <summary>grpcio (Debian's python3-grpcio, gRPC's C core) as client of our server, and as server for our client.</summary>
public sealed class PythonInteropTests(PythonInteropTests.Peers peers) : IClassFixture<PythonInteropTests.Peers>
{
    /// <summary>grpcio gets the message classes from a FileDescriptorSet of our generated descriptors.</summary>
    public sealed class Peers : InteropPeers
    {
        private readonly string descriptorSet = Path.Combine(Path.GetTempPath(), $"ftgo-grpc-interop-{Guid.NewGuid():N}.pb");

        protected override string Program => InteropPeer.Python;
        protected override string[] ClientArguments(int ourServerPort) => ["client.py", descriptorSet, $"127.0.0.1:{ourServerPort}"];
        protected override string[] ServerArguments(int port) => ["server.py", descriptorSet, port.ToString()];

        public override async Task InitializeAsync()
        {
            await File.WriteAllBytesAsync(descriptorSet, FileDescriptorSets.Of(InteropReflection.Descriptor, HealthReflection.Descriptor, ReflectionReflection.Descriptor));
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            File.Delete(descriptorSet);
        }
    }

    public static TheoryData<string> ClientScenarioNames =>
    [
        "unary", "unicode", "error_codes", "internal_error_hides_details", "unknown_method", "deadline_exceeded", "metadata",
        "server_streaming", "server_streaming_early_cancel", "concurrent_150", "bidi_streaming", "health_check", "reflection_v1",
    ];

    [Theory]
    [MemberData(nameof(ClientScenarioNames))]
    public void Grpcio_client_against_our_server(string scenario) =>
        Assert.True(peers.ClientOutput.Contains($"PASS {scenario}"), string.Join(Environment.NewLine, peers.ClientOutput));

    [Theory]
    [MemberData(nameof(ClientScenarios.Names), MemberType = typeof(ClientScenarios))]
    public Task Our_client_against_a_grpcio_server(string scenario) => ClientScenarios.All[scenario](peers.ChannelToPeerServer);
}
