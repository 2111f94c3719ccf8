using System.Net.Http.Json;
using FoodOrdering.Consumer.Grpc;
using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using FoodOrdering.Testing;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// ftgo.consumer.v1.ConsumerService as the Order service will call it: the real Consumer service
/// process started by the launcher on the shared test PostgreSQL, its own fresh database, our gRPC client.
/// </summary>
public sealed class ConsumerGrpcServiceTests
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = ConsumerGrpcService.Descriptor;
    private static readonly GrpcMethod<GetConsumerRequest, GetConsumerResponse> GetConsumer =
        GrpcMethod<GetConsumerRequest, GetConsumerResponse>.From(Service.FindMethodByName("GetConsumer"));
    private static readonly GrpcMethod<ValidateOrderForConsumerRequest, ValidateOrderForConsumerResponse> ValidateOrderForConsumer =
        GrpcMethod<ValidateOrderForConsumerRequest, ValidateOrderForConsumerResponse>.From(Service.FindMethodByName("ValidateOrderForConsumer"));

    [Fact]
    public void Every_rpc_of_the_consumer_proto_has_an_implementation() =>
        Assert.Equal(Service.Methods.Count, ServiceBinder.Bind<ConsumerGrpcService>().Count);

    [Fact]
    public async Task Consumer_service_answers_over_gRPC_with_domain_outcomes_as_status_codes()
    {
        await using var test = await TestSystem.StartAsync(["consumer"]);
        var consumerService = test.Service("consumer");
        using var http = new HttpClient();
        var created = await http.PostAsJsonAsync($"{consumerService.BaseUrl}/v1/consumers",
            new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" });
        var consumerId = (await created.Content.ReadFromJsonAsync<CreatedConsumer>())!.ConsumerId;
        var channel = GrpcChannel.ForAddress(consumerService.GrpcUrl);

        var consumer = await channel.UnaryAsync(GetConsumer, new GetConsumerRequest { ConsumerId = consumerId });
        await channel.UnaryAsync(ValidateOrderForConsumer, new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.00" } });
        var overLimit = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ValidateOrderForConsumer,
            new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.01" } }));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ValidateOrderForConsumer,
            new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "1.005" } }));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(GetConsumer, new GetConsumerRequest { ConsumerId = 999_999 }));

        Assert.Equal(("Ada", "Lovelace", "500.00"), (consumer.Name.FirstName, consumer.Name.LastName, consumer.OrderLimit.Amount));
        Assert.Equal(StatusCode.FailedPrecondition, overLimit.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    private sealed record CreatedConsumer(long ConsumerId);
}
