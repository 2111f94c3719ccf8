using FoodOrdering.Grpc.Contracts.Accounting.V1;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Grpc.Contracts.Order.V1;
using Grpc.Core;

namespace FoodOrdering.Gateway.Composition;

// The book's service proxies, one per downstream the gateway composes from: each wraps the generated gRPC
// client, which runs through that downstream's service proxy pipeline (AddGrpcServiceProxy: deadline,
// outstanding-request limit, circuit breaker). NOT_FOUND is an answer (null); every other failure is
// left to the caller, OrderDetailsComposer, which decides the fallback.

/// <summary>The Order service (ftgo.order.v1.OrderService): the order itself, the part composition cannot do without.</summary>
public sealed class OrderServiceProxy(OrderService.OrderServiceClient client)
{
    public const string Downstream = "order";

    public Task<GetOrderResponse?> FindOrderAsync(long orderId, DateTime deadline, CancellationToken cancellationToken) =>
        ServiceProxyCalls.NullIfNotFoundAsync(client.GetOrderAsync(new GetOrderRequest { OrderId = orderId }, deadline: deadline, cancellationToken: cancellationToken));
}

/// <summary>The Consumer service (ftgo.consumer.v1.ConsumerService): who placed the order.</summary>
public sealed class ConsumerServiceProxy(ConsumerService.ConsumerServiceClient client)
{
    public const string Downstream = "consumer";

    public Task<GetConsumerResponse?> FindConsumerAsync(long consumerId, DateTime deadline, CancellationToken cancellationToken) =>
        ServiceProxyCalls.NullIfNotFoundAsync(client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerId }, deadline: deadline, cancellationToken: cancellationToken));
}

/// <summary>The Kitchen service (ftgo.kitchen.v1.KitchenService): the order's ticket.</summary>
public sealed class KitchenServiceProxy(KitchenService.KitchenServiceClient client)
{
    public const string Downstream = "kitchen";

    public Task<GetTicketResponse?> FindTicketAsync(long ticketId, DateTime deadline, CancellationToken cancellationToken) =>
        ServiceProxyCalls.NullIfNotFoundAsync(client.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, deadline: deadline, cancellationToken: cancellationToken));
}

/// <summary>The Accounting service (ftgo.accounting.v1.AccountingService): the order's payment authorization.</summary>
public sealed class AccountingServiceProxy(AccountingService.AccountingServiceClient client)
{
    public const string Downstream = "accounting";

    public Task<GetAuthorizationResponse?> FindAuthorizationAsync(long orderId, DateTime deadline, CancellationToken cancellationToken) =>
        ServiceProxyCalls.NullIfNotFoundAsync(client.GetAuthorizationAsync(new GetAuthorizationRequest { OrderId = orderId }, deadline: deadline, cancellationToken: cancellationToken));
}

internal static class ServiceProxyCalls
{
    public static async Task<TResponse?> NullIfNotFoundAsync<TResponse>(AsyncUnaryCall<TResponse> call)
        where TResponse : class
    {
        using (call)
        {
            try
            {
                return await call.ResponseAsync;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }
    }
}
