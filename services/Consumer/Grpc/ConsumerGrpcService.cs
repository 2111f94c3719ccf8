using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using Grpc.Core;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;
using ProtoPersonName = FoodOrdering.Grpc.Contracts.Consumer.V1.PersonName;

namespace FoodOrdering.Consumer.Grpc;

/// <summary>
/// The Consumer service's gRPC API (ftgo.consumer.v1.ConsumerService, generated from consumer.proto):
/// synchronous request/response for other services, over the same domain as REST v1. It throws domain
/// exceptions; the service defaults' GrpcExceptionInterceptor turns them into status codes (unknown
/// consumer NOT_FOUND, order over the limit FAILED_PRECONDITION, malformed money INVALID_ARGUMENT).
/// </summary>
public sealed class ConsumerGrpcService(ConsumerDbContext db) : ConsumerService.ConsumerServiceBase
{
    public override async Task<GetConsumerResponse> GetConsumer(GetConsumerRequest request, ServerCallContext context)
    {
        var consumer = await FindAsync(request.ConsumerId, context.CancellationToken);
        return new GetConsumerResponse
        {
            ConsumerId = consumer.Id,
            Name = new ProtoPersonName { FirstName = consumer.Name.FirstName, LastName = consumer.Name.LastName },
            OrderLimit = new ProtoMoney { Amount = consumer.OrderLimit.ToString() },
        };
    }

    public override async Task<ValidateOrderByConsumerResponse> ValidateOrderByConsumer(ValidateOrderByConsumerRequest request, ServerCallContext context)
    {
        if (!Money.TryParse(request.OrderTotal?.Amount, out var orderTotal))
        {
            throw new InvalidInputException("order_total must be a decimal string with at most two fraction digits, e.g. \"12.50\".");
        }
        var consumer = await FindAsync(request.ConsumerId, context.CancellationToken);
        consumer.ValidateOrderByConsumer(orderTotal); // OrderLimitExceededException, a DomainException, when over the limit
        return new ValidateOrderByConsumerResponse();
    }

    private async Task<ConsumerAggregate> FindAsync(long consumerId, CancellationToken cancellationToken) =>
        await db.Consumers.FindAsync([consumerId], cancellationToken)
            ?? throw new NotFoundException($"There is no consumer {consumerId}.");
}
