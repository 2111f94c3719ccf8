using FoodOrdering.Testing;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// grpcio (Debian's python3-grpcio, gRPC's C core) calls the real Consumer service, with message classes
/// built from the descriptors generated from our .proto files (so Python needs no protoc).
/// </summary>
[Collection(ConsumerServiceCollection.Name)]
public sealed class PythonInteropTests(ConsumerServiceFixture consumerService)
{
    [Theory]
    [MemberData(nameof(ForeignClientScenarios.Names), MemberType = typeof(ForeignClientScenarios))]
    public async Task Grpcio_client_against_the_Consumer_service(string scenario)
    {
        var output = await consumerService.OutputOfAsync(InteropPeer.Python, "client.py");

        Assert.True(output.Contains($"PASS {scenario}"), string.Join(Environment.NewLine, output));
    }
}
