using System.Security.Claims;
using FoodOrdering.Gateway.Security;
using FoodOrdering.Grpc.Contracts.Accounting.V1;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Grpc.Contracts.Order.V1;
using FoodOrdering.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FoodOrdering.Gateway.Composition;

/// <summary>
/// <c>GET /api/v1/orders/{orderId}/details</c>, answered by the gateway itself (<see cref="OrderDetailsComposer"/>),
/// not forwarded: its route is more specific than the orders-v1 route's catch-all, so it wins. Any valid
/// token; a consumer may only see their own order (403, as on the Order service's own endpoints), an admin
/// every order. The gRPC calls carry no identity header: the gateway checks the owner itself, from the order.
/// </summary>
public static class OrderDetailsApi
{
    public static WebApplicationBuilder AddApiComposition(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CompositionOptions>().BindConfiguration(CompositionOptions.SectionName);
        // One service proxy pipeline per downstream; the REST forwarding to the same service shares it
        // (ServiceProxyForwarding): one breaker per downstream service, whichever protocol trips it.
        builder.AddGrpcServiceProxy<OrderService.OrderServiceClient>(OrderServiceProxy.Downstream);
        builder.AddGrpcServiceProxy<ConsumerService.ConsumerServiceClient>(ConsumerServiceProxy.Downstream);
        builder.AddGrpcServiceProxy<KitchenService.KitchenServiceClient>(KitchenServiceProxy.Downstream);
        builder.AddGrpcServiceProxy<AccountingService.AccountingServiceClient>(AccountingServiceProxy.Downstream);
        builder.Services.AddTransient<OrderServiceProxy>();
        builder.Services.AddTransient<ConsumerServiceProxy>();
        builder.Services.AddTransient<KitchenServiceProxy>();
        builder.Services.AddTransient<AccountingServiceProxy>();
        builder.Services.AddTransient<OrderDetailsComposer>();
        return builder;
    }

    public static WebApplication MapOrderDetails(this WebApplication app)
    {
        app.MapGet("/api/v1/orders/{orderId:long}/details", GetOrderDetails).RequireAuthorization().WithTags("Composition").WithName("GetOrderDetails")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<OrderDetails>, ProblemHttpResult>> GetOrderDetails(long orderId, ClaimsPrincipal user, OrderDetailsComposer composer,
        CancellationToken cancellationToken)
    {
        var budget = new CompositionBudget(composer.Budget);
        GetOrderResponse? order;
        try
        {
            order = await composer.FindOrderAsync(orderId, budget, cancellationToken);
        }
        catch (PartUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The order service is unavailable",
                detail: $"The order is required and could not be had: {e.Reason}.");
        }
        if (order is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"There is no order {orderId}.");
        }
        if (!MayRead(user, order))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your order",
                detail: "A consumer may only place, read, cancel and revise their own orders.");
        }
        return TypedResults.Ok(await composer.ComposeAsync(order, budget, cancellationToken));
    }

    /// <summary>An admin reads every order; a consumer only their own.</summary>
    private static bool MayRead(ClaimsPrincipal user, GetOrderResponse order) =>
        user.IsInRole(EdgeSecurity.AdminRole)
        || (long.TryParse(user.FindFirst(EdgeSecurity.ConsumerIdClaim)?.Value, out var consumerId) && consumerId == order.ConsumerId);
}
