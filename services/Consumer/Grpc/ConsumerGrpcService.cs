using FoodOrdering.Consumer.Domain;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;
using ProtoPersonName = FoodOrdering.Grpc.Contracts.Consumer.V1.PersonName;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace FoodOrdering.Consumer.Grpc;

/// <summary>
/// The Consumer service's gRPC API (ftgo.consumer.v1.ConsumerService): synchronous request/response
/// for other services, over the same domain as REST v1. Domain outcomes become gRPC status codes:
/// unknown consumer NOT_FOUND, order over the limit FAILED_PRECONDITION.
/// </summary>
public sealed class ConsumerGrpcService(ConsumerDbContext db) : IGrpcService
{
    public static ServiceDescriptor Descriptor => ConsumerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ConsumerService");

    public async Task<GetConsumerResponse> GetConsumer(GetConsumerRequest request, ServerCallContext context)
    {
        var consumer = await FindAsync(request.ConsumerId, context);
        return new GetConsumerResponse
        {
            ConsumerId = consumer.Id,
            Name = new ProtoPersonName { FirstName = consumer.Name.FirstName, LastName = consumer.Name.LastName },
            OrderLimit = new ProtoMoney { Amount = consumer.OrderLimit.ToString() },
        };
    }

    public async Task<ValidateOrderForConsumerResponse> ValidateOrderForConsumer(ValidateOrderForConsumerRequest request, ServerCallContext context)
    {
        if (!Money.TryParse(request.OrderTotal?.Amount, out var orderTotal))
        {
            throw new RpcException(StatusCode.InvalidArgument, "order_total must be a decimal string with at most two fraction digits, e.g. \"12.50\".");
        }
        var consumer = await FindAsync(request.ConsumerId, context);
        try
        {
            consumer.ValidateOrderByConsumer(orderTotal);
        }
        catch (OrderLimitExceededException e)
        {
            throw new RpcException(StatusCode.FailedPrecondition, e.Message);
        }
        return new ValidateOrderForConsumerResponse();
    }

    private async Task<ConsumerAggregate> FindAsync(long consumerId, ServerCallContext context) =>
        await db.Consumers.FindAsync([consumerId], context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"There is no consumer {consumerId}.");
}
