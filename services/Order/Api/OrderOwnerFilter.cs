using FoodOrdering.Order.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Order.Api;

/// <summary>
/// A consumer may only place, read, cancel and revise their own orders. The API gateway authenticates the
/// caller and says who it is in <see cref="ConsumerIdHeader"/> and <see cref="RoleHeader"/> (it removes
/// whatever a client sent under these names); only this service knows an order's owner, so the check is
/// here, an endpoint filter on every version of the orders API and on a consumer's own resources here (the
/// activity): another consumer's order, or an order placed for another consumer, is 403. Admins, and calls
/// without the headers (reached directly, not through the gateway: not published outside the system), are
/// not restricted. It runs after binding, so a new order's consumerId is read from the bound request.
/// </summary>
public sealed class OrderOwnerFilter : IEndpointFilter
{
    public const string ConsumerIdHeader = "X-Ftgo-Consumer-Id";
    public const string RoleHeader = "X-Ftgo-Role";
    public const string AdminRole = "admin";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.Headers[RoleHeader] == AdminRole || !request.Headers.TryGetValue(ConsumerIdHeader, out var header))
        {
            return await next(context);
        }
        if (!long.TryParse(header, out var caller) || await OwnerAsync(context) is { } owner && owner != caller)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your order",
                detail: "A consumer may only place, read, cancel and revise their own orders.");
        }
        return await next(context);
    }

    /// <summary>The consumer the request is about: the order's owner, the consumerId asked for, or the one a new order is for (null: unknown, the endpoint decides).</summary>
    private static async Task<long?> OwnerAsync(EndpointFilterInvocationContext context)
    {
        var http = context.HttpContext;
        if (http.GetRouteValue("orderId") is { } orderRouteValue)
        {
            return long.TryParse(orderRouteValue.ToString(), out var orderId)
                ? await http.RequestServices.GetRequiredService<OrderDbContext>().Orders.AsNoTracking().Where(o => o.Id == orderId)
                    .Select(o => (long?)o.ConsumerId).SingleOrDefaultAsync(http.RequestAborted)
                : null;
        }
        if (http.GetRouteValue("consumerId") is { } consumerRouteValue)
        {
            return long.TryParse(consumerRouteValue.ToString(), out var consumerId) ? consumerId : null;
        }
        if (context.Arguments.OfType<CreateOrderRequest>().FirstOrDefault() is { } newOrder)
        {
            return newOrder.ConsumerId;
        }
        return HttpMethods.IsGet(http.Request.Method) && long.TryParse(http.Request.Query["consumerId"], out var asked) ? asked : null;
    }
}
