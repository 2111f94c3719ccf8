using FoodOrdering.Grpc.Contracts.Accounting.V1;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Grpc.Contracts.Order.V1;

namespace FoodOrdering.Gateway.Composition;

/// <summary>
/// <c>GET /api/v1/orders/{orderId}/details</c>: one view of an order composed from four services. The order
/// is always there; every other part is null when it could not be had, and then <see cref="Warnings"/>
/// names it and says why (a null part always has a warning).
/// </summary>
public sealed record OrderDetails(OrderView Order, ConsumerView? Consumer, TicketView? Ticket, AuthorizationView? Authorization, IReadOnlyList<PartWarning> Warnings);

/// <summary>A part of the view that is missing: <c>consumer</c>, <c>ticket</c> or <c>authorization</c>, and why.</summary>
public sealed record PartWarning(string Part, string Reason);

/// <summary>The order, from the Order service. Amounts are decimal strings, as everywhere in the API.</summary>
public sealed record OrderView(long OrderId, long ConsumerId, long RestaurantId, string State, string OrderTotal, string? RejectionReason,
    long? TicketId, IReadOnlyList<OrderLineView> LineItems)
{
    public static OrderView From(GetOrderResponse order) => new(order.OrderId, order.ConsumerId, order.RestaurantId, order.State,
        order.OrderTotal?.Amount ?? "0", order.RejectionReason is { Length: > 0 } reason ? reason : null, order.HasTicketId ? order.TicketId : null,
        [.. order.LineItems.Select(i => new OrderLineView(i.MenuItemId, i.Name, i.Quantity, i.Price?.Amount ?? "0"))]);
}

public sealed record OrderLineView(string MenuItemId, string Name, int Quantity, string Price);

/// <summary>Who placed the order, from the Consumer service.</summary>
public sealed record ConsumerView(long ConsumerId, string FirstName, string LastName)
{
    public static ConsumerView From(GetConsumerResponse consumer) => new(consumer.ConsumerId, consumer.Name?.FirstName ?? "", consumer.Name?.LastName ?? "");
}

/// <summary>The order's ticket, from the Kitchen service.</summary>
public sealed record TicketView(long TicketId, long RestaurantId, string State, DateTimeOffset? ReadyBy, IReadOnlyList<TicketLineView> LineItems)
{
    public static TicketView From(GetTicketResponse ticket) => new(ticket.TicketId, ticket.RestaurantId, ticket.State, ticket.ReadyBy?.ToDateTimeOffset(),
        [.. ticket.LineItems.Select(i => new TicketLineView(i.MenuItemId, i.Name, i.Quantity))]);
}

public sealed record TicketLineView(string MenuItemId, string Name, int Quantity);

/// <summary>The payment authorization for the order, from the Accounting service.</summary>
public sealed record AuthorizationView(long AuthorizationId, string Amount, string State, string? DeclineReason)
{
    public static AuthorizationView From(GetAuthorizationResponse authorization) => new(authorization.AuthorizationId, authorization.Amount?.Amount ?? "0",
        authorization.State switch
        {
            AuthorizationState.Authorized => "AUTHORIZED",
            AuthorizationState.Declined => "DECLINED",
            AuthorizationState.Reversed => "REVERSED",
            _ => "UNSPECIFIED",
        },
        authorization.DeclineReason is { Length: > 0 } reason ? reason : null);
}
