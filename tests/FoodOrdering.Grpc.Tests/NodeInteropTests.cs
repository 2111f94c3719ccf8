namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// grpc-js (@grpc/grpc-js from npm) calls the real Consumer service: it loads consumer.proto itself, so
/// the IDL file, our status mapping, deadlines, health and reflection are proven for a Node.js client.
/// </summary>
[Collection(ConsumerServiceCollection.Name)]
public sealed class NodeInteropTests(ConsumerServiceFixture consumerService)
{
    [Theory]
    [MemberData(nameof(ForeignClientScenarios.Names), MemberType = typeof(ForeignClientScenarios))]
    public async Task Grpc_js_client_against_the_Consumer_service(string scenario)
    {
        var output = await consumerService.OutputOfAsync("node", "client.js");

        Assert.True(output.Contains($"PASS {scenario}"), string.Join(Environment.NewLine, output));
    }
}

/// <summary>What every foreign client checks against the Consumer service, phase by phase (see ConsumerServiceFixture).</summary>
public static class ForeignClientScenarios
{
    public static TheoryData<string> Names =>
    [
        // serving
        "get_consumer", "validate_order_within_the_limit", "not_found", "failed_precondition", "invalid_argument",
        "resource_exhausted", "unimplemented", "health_serving", "reflection_v1", "reflection_v1alpha",
        // slow: the consumers table is locked
        "deadline_exceeded",
        // database down
        "internal_without_details", "health_not_serving",
        // recovered
        "health_serving_again",
    ];
}
