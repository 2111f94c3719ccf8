using FoodOrdering.Consumer.Grpc;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.ServiceDefaults.Resilience;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// ftgo.consumer.v1.ConsumerService as the Order service will call it: the generated typed client,
/// registered as a service proxy (AddGrpcServiceProxy), against the real Consumer service process.
/// </summary>
[Collection(ConsumerServiceCollection.Name)]
public sealed class ConsumerGrpcServiceTests(ConsumerServiceFixture consumerService)
{
    [Fact]
    public void Every_rpc_of_consumer_proto_is_implemented_by_ConsumerGrpcService()
    {
        // A forgotten override would answer UNIMPLEMENTED at run time; the generated descriptor lists every rpc.
        var notOverridden = ConsumerService.Descriptor.Methods
            .Where(rpc => typeof(ConsumerGrpcService).GetMethod(rpc.Name)?.DeclaringType != typeof(ConsumerGrpcService))
            .Select(rpc => rpc.Name);

        Assert.Empty(notOverridden);
    }

    [Fact]
    public async Task The_generated_client_gets_domain_outcomes_as_status_codes()
    {
        using var host = OrderServiceLikeHost();
        var client = host.Services.GetRequiredService<ConsumerService.ConsumerServiceClient>();
        var consumerId = consumerService.ConsumerId;

        var consumer = await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerId });
        await client.ValidateOrderByConsumerAsync(new() { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.00" } });
        var overLimit = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ValidateOrderByConsumerAsync(new() { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.01" } }));
        var malformed = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ValidateOrderByConsumerAsync(new() { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "1.005" } }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = 999_999 }));

        Assert.Equal(("Ada", "Lovelace", ConsumerServiceFixture.OrderLimit), (consumer.Name.FirstName, consumer.Name.LastName, consumer.OrderLimit.Amount));
        Assert.Equal(StatusCode.FailedPrecondition, overLimit.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Domain_outcomes_of_the_Consumer_service_never_open_the_circuit_breaker()
    {
        using var host = OrderServiceLikeHost();
        var client = host.Services.GetRequiredService<ConsumerService.ConsumerServiceClient>();

        // Four times the minimum throughput, every one a domain "no": the breaker must stay closed.
        for (var i = 0; i < 8; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = 999_999 }));
            await Assert.ThrowsAsync<RpcException>(async () => await client.ValidateOrderByConsumerAsync(
                new() { ConsumerId = consumerService.ConsumerId, OrderTotal = new ProtoMoney { Amount = "500.01" } }));
        }

        Assert.Equal(CircuitState.Closed, host.Services.GetRequiredService<CircuitBreakers>().StateOf("consumer"));
        await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerService.ConsumerId });
    }

    /// <summary>What a caller of the Consumer service registers: one line, the address from configuration.</summary>
    private IHost OrderServiceLikeHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Downstreams:consumer:GrpcAddress"] = consumerService.GrpcUrl;
        builder.Configuration["Downstreams:consumer:CircuitBreaker:MinimumThroughput"] = "4";
        builder.AddGrpcServiceProxy<ConsumerService.ConsumerServiceClient>("consumer");
        return builder.Build();
    }
}
