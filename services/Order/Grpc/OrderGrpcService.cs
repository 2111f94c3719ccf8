using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Order.V1;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;
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
public sealed class OrderGrpcService(OrderUseCases orders, OrderChangeFeed changes) : OrderService.OrderServiceBase
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
        if (order.TicketId is { } ticketId)
        {
            response.TicketId = ticketId;
        }
        response.LineItems.AddRange(order.LineItems.Select(i => new ProtoLineItem
        {
            MenuItemId = i.MenuItemId,
            Name = i.Name,
            Quantity = i.Quantity,
            Price = new ProtoMoney { Amount = i.Price.ToString() },
        }));
        return response;
    }

    /// <summary>
    /// Server streaming: the order's state now, then each committed change of it, until no saga holds the
    /// order any more (APPROVED, REJECTED, CANCELLED: not a *_PENDING state); then the call ends OK. The
    /// changes come pushed from <see cref="OrderChangeFeed"/> (one LISTEN per process, fanned out in
    /// memory): a watcher reads the database once, at the start, however long it watches and however many
    /// watch. The client's deadline or cancel ends the call and releases the subscription.
    /// </summary>
    public override async Task WatchOrder(WatchOrderRequest request, IServerStreamWriter<OrderStateChanged> responseStream, ServerCallContext context)
    {
        if (request.OrderId <= 0)
        {
            throw new InvalidInputException($"order_id must be a positive order id, not {request.OrderId}.");
        }
        var cancellationToken = context.CancellationToken;
        // Subscribe before reading: a change committed in between is then in the subscription, never lost;
        // one the read already saw (version not newer) is dropped.
        using var subscription = changes.Subscribe(change => change.OrderId == request.OrderId);
        var order = await orders.FindAsync(request.OrderId, cancellationToken);
        var (version, state) = (order.Version, order.State);
        try
        {
            await responseStream.WriteAsync(new OrderStateChanged { OrderId = order.Id, State = state.Name() }, cancellationToken);
            while (state.IsPending())
            {
                var change = await subscription.Changes.ReadAsync(cancellationToken);
                if (change.Version <= version)
                {
                    continue;
                }
                (version, state) = (change.Version, change.State);
                await responseStream.WriteAsync(new OrderStateChanged { OrderId = order.Id, State = state.Name() }, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client cancelled or its deadline passed: Grpc.AspNetCore reports that status; nothing to add.
        }
    }
}
