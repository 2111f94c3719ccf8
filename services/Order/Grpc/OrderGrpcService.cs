using FoodOrdering.Grpc.Contracts.Order.V1;
using FoodOrdering.Order.Domain;
using Grpc.Core;
using OrderUseCases = FoodOrdering.Order.Application.OrderService;
using ProtoLineItem = FoodOrdering.Grpc.Contracts.Order.V1.OrderLineItem;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Order.Grpc;

/// <summary>
/// The Order service's gRPC API (ftgo.order.v1.OrderService, generated from order.proto), over the same
/// use cases as REST v1. An unknown order throws NotFoundException, which the service defaults'
/// GrpcExceptionInterceptor answers NOT_FOUND.
/// </summary>
public sealed class OrderGrpcService(OrderUseCases orders) : OrderService.OrderServiceBase
{
    public override async Task<GetOrderResponse> GetOrder(GetOrderRequest request, ServerCallContext context)
    {
        var order = await orders.FindAsync(request.OrderId, context.CancellationToken);
        var response = new GetOrderResponse
        {
            OrderId = order.Id,
            ConsumerId = order.ConsumerId,
            RestaurantId = order.RestaurantId,
            State = order.State.Name(),
            OrderTotal = new ProtoMoney { Amount = order.OrderTotal.ToString() },
            RejectionReason = order.RejectionReason ?? "",
        };
        response.LineItems.AddRange(order.LineItems.Select(i => new ProtoLineItem
        {
            MenuItemId = i.MenuItemId,
            Name = i.Name,
            Quantity = i.Quantity,
            Price = new ProtoMoney { Amount = i.Price.ToString() },
        }));
        return response;
    }
}
