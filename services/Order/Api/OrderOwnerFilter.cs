using System.Text.Json;
using FoodOrdering.Order.Persistence;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Order.Api;

/// <summary>
/// A consumer may only place, read, cancel and revise their own orders. The API gateway authenticates the
/// caller and says who it is in <see cref="ConsumerIdHeader"/> and <see cref="RoleHeader"/> (it removes
/// whatever a client sent under these names); only this service knows an order's owner, so the check is
/// here: another consumer's order, or an order placed for another consumer, is 403. Admins, and calls
/// without the headers (reached directly, not through the gateway: not published outside the system),
/// are not restricted. Applies to every version of the orders API (any route with an "orders" segment) and to
/// a consumer's own resources here (a route with a {consumerId}: the activity).
/// </summary>
public sealed class OrderOwnerFilter(RequestDelegate next)
{
    public const string ConsumerIdHeader = "X-Ftgo-Consumer-Id";
    public const string RoleHeader = "X-Ftgo-Role";
    public const string AdminRole = "admin";

    public async Task InvokeAsync(HttpContext http, OrderDbContext db)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint || !IsOrdersApi(endpoint.RoutePattern)
            || http.Request.Headers[RoleHeader] == AdminRole || !http.Request.Headers.TryGetValue(ConsumerIdHeader, out var header))
        {
            await next(http);
            return;
        }
        if (!long.TryParse(header, out var caller) || await OwnerAsync(http, db) is { } owner && owner != caller)
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = http.Response.StatusCode = StatusCodes.Status403Forbidden,
                    Title = "Not your order",
                    Detail = "A consumer may only place, read, cancel and revise their own orders.",
                },
            });
            return;
        }
        await next(http);
    }

    private static bool IsOrdersApi(RoutePattern pattern) =>
        pattern.PathSegments.Any(s => s.Parts is [RoutePatternLiteralPart { Content: "orders" }]) || pattern.GetParameter("consumerId") is not null;

    /// <summary>The consumer the request is about: the order's owner, the consumerId asked for, or the one a new order is for (null: unknown, the endpoint decides).</summary>
    private static async Task<long?> OwnerAsync(HttpContext http, OrderDbContext db)
    {
        if (http.GetRouteValue("orderId") is { } routeValue)
        {
            return long.TryParse(routeValue.ToString(), out var orderId)
                ? await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => (long?)o.ConsumerId).SingleOrDefaultAsync(http.RequestAborted)
                : null;
        }
        if (http.GetRouteValue("consumerId") is { } consumerRouteValue)
        {
            return long.TryParse(consumerRouteValue.ToString(), out var consumerId) ? consumerId : null;
        }
        if (HttpMethods.IsGet(http.Request.Method))
        {
            return long.TryParse(http.Request.Query["consumerId"], out var consumerId) ? consumerId : null;
        }
        if (HttpMethods.IsPost(http.Request.Method))
        {
            // Read the new order's consumerId, then rewind: the endpoint reads the body again.
            http.Request.EnableBuffering();
            try
            {
                using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }
                // As the endpoint binds it: names case-insensitively, the last one wins.
                var consumerId = body.RootElement.EnumerateObject().LastOrDefault(p => p.NameEquals("consumerId")
                    || string.Equals(p.Name, "consumerId", StringComparison.OrdinalIgnoreCase));
                return consumerId.Value.ValueKind switch
                {
                    JsonValueKind.Number when consumerId.Value.TryGetInt64(out var id) => id,
                    JsonValueKind.String when long.TryParse(consumerId.Value.GetString(), out var id) => id, // web JSON reads numbers from strings too
                    _ => null,
                };
            }
            catch (JsonException)
            {
                return null; // the endpoint says what is wrong with it
            }
            finally
            {
                http.Request.Body.Position = 0;
            }
        }
        return null;
    }
}
