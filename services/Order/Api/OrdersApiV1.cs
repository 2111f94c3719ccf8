using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FoodOrdering.Domain;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

/// <summary>
/// REST v1 of the Order service. POST answers at once (201, APPROVAL_PENDING, Retry-After: 1): the saga
/// decides later, and the client polls GET, whose _links say what may be done next (cancel and revise only
/// while the order allows them: hypermedia as the state machine's menu).
/// </summary>
public static class OrdersApiV1
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxPageSize = 100;

    private static readonly JsonSerializerOptions Fingerprinting = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapOrdersApiV1(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/v1/orders").WithTags("Orders v1");
        orders.MapPost("/", CreateOrder).WithName("CreateOrderV1").ProducesValidationProblem();
        orders.MapGet("/{orderId:long}", GetOrder).WithName("GetOrderV1");
        orders.MapGet("/", GetOrdersOfConsumer).WithName("GetOrdersOfConsumerV1").ProducesValidationProblem();
        orders.MapPost("/{orderId:long}/cancel", CancelOrder).WithName("CancelOrderV1").ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{orderId:long}/revise", ReviseOrder).WithName("ReviseOrderV1").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<CreateOrderResponse>, Ok<CreateOrderResponse>, ValidationProblem, ProblemHttpResult>> CreateOrder(
        CreateOrderRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, OrderService orders, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (request.Validate(idempotencyKey) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The order is not valid");
        }
        var idempotency = idempotencyKey is null ? null : new IdempotencyRequest(idempotencyKey, Fingerprint(request));
        try
        {
            var (order, created) = await orders.CreateAsync(request.ConsumerId!.Value, request.RestaurantId!.Value,
                Requested(request.LineItems!), request.DeliveryInformation(), idempotency, cancellationToken);
            // The outcome comes later: poll in about a second.
            http.Response.Headers.RetryAfter = "1";
            http.Response.Headers.Location = Self(order.Id);
            // The first answer's body, again on a retry: the order as it was created.
            var body = new CreateOrderResponse(order.Id, OrderState.ApprovalPending.Name());
            return created ? TypedResults.Created(Self(order.Id), body) : TypedResults.Ok(body);
        }
        catch (Exception e) when (e is OrderNotPricedException or IdempotencyKeyReusedException)
        {
            return Unprocessable(e.Message);
        }
    }

    public static async Task<OrderResponse> GetOrder(long orderId, OrderService orders, CancellationToken cancellationToken) =>
        OrderResponse.Of(await orders.FindAsync(orderId, cancellationToken));

    public static async Task<Results<Ok<OrderPage>, ValidationProblem>> GetOrdersOfConsumer(long? consumerId, int? page, int? pageSize,
        OrderDbContext db, CancellationToken cancellationToken)
    {
        var (number, size) = (page ?? 1, pageSize ?? 20);
        var errors = new Dictionary<string, string[]>();
        if (consumerId is null)
        {
            errors["consumerId"] = ["The consumerId query parameter is required."];
        }
        if (number < 1)
        {
            errors["page"] = ["Pages are numbered from 1."];
        }
        if (size is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"Between 1 and {MaxPageSize}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query is not valid");
        }

        // One more than a page: whether there is a next page, without counting them all.
        var found = await db.Orders.AsNoTracking().Where(o => o.ConsumerId == consumerId).OrderByDescending(o => o.Id)
            .Skip((number - 1) * size).Take(size + 1).ToListAsync(cancellationToken);
        var links = new Dictionary<string, Link> { ["self"] = new(PageOf(consumerId!.Value, number, size)) };
        if (found.Count > size)
        {
            links["next"] = new(PageOf(consumerId.Value, number + 1, size));
        }
        if (number > 1)
        {
            links["prev"] = new(PageOf(consumerId.Value, number - 1, size));
        }
        return TypedResults.Ok(new OrderPage([.. found.Take(size).Select(OrderResponse.Of)], number, size, links));
    }

    public static async Task<Accepted<OrderStateResponse>> CancelOrder(long orderId, OrderService orders, CancellationToken cancellationToken)
    {
        var order = await orders.CancelAsync(orderId, cancellationToken);
        return TypedResults.Accepted(Self(order.Id), new OrderStateResponse(order.Id, order.State.Name()));
    }

    public static async Task<Results<Accepted<OrderStateResponse>, ValidationProblem, ProblemHttpResult>> ReviseOrder(long orderId,
        ReviseOrderRequest request, OrderService orders, CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The revision is not valid");
        }
        try
        {
            var order = await orders.ReviseAsync(orderId, Requested(request.RevisedLineItems!), cancellationToken);
            return TypedResults.Accepted(Self(order.Id), new OrderStateResponse(order.Id, order.State.Name()));
        }
        catch (OrderNotPricedException e)
        {
            return Unprocessable(e.Message);
        }
    }

    public static string Self(long orderId) => $"/v1/orders/{orderId}";

    private static string PageOf(long consumerId, int page, int size) => $"/v1/orders?consumerId={consumerId}&page={page}&pageSize={size}";

    private static List<RequestedLineItem> Requested(IEnumerable<LineItemRequest> lineItems) =>
        [.. lineItems.Select(i => new RequestedLineItem(i.MenuItemId!, i.Quantity!.Value))];

    private static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The order cannot be processed", detail: detail);

    /// <summary>The request body's hash: an Idempotency-Key used again with another body is refused.</summary>
    private static string Fingerprint(CreateOrderRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, Fingerprinting))));
}

/// <summary>POST /v1/orders body. Unknown fields are ignored (robustness principle).</summary>
public sealed record CreateOrderRequest(long? ConsumerId, long? RestaurantId, IReadOnlyList<LineItemRequest>? LineItems,
    AddressDto? DeliveryAddress, DateTimeOffset? DeliveryTime)
{
    public const int MaxIdempotencyKeyLength = 200;

    public Dictionary<string, string[]> Validate(string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (ConsumerId is not > 0)
        {
            errors["consumerId"] = ["A positive consumer id is required."];
        }
        if (RestaurantId is not > 0)
        {
            errors["restaurantId"] = ["A positive restaurant id is required."];
        }
        LineItemRequest.Validate(errors, "lineItems", LineItems);
        if (DeliveryAddress is null)
        {
            errors["deliveryAddress"] = ["The delivery address is required."];
        }
        else
        {
            DeliveryAddress.Validate(errors, "deliveryAddress");
        }
        if (DeliveryTime is null)
        {
            errors["deliveryTime"] = ["The delivery time is required (ISO 8601, e.g. \"2026-12-02T19:00:00Z\")."];
        }
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength))
        {
            errors[OrdersApiV1.IdempotencyKeyHeader] = [$"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} characters."];
        }
        return errors;
    }

    public DeliveryInformation DeliveryInformation() => new(
        new Address(DeliveryAddress!.Street1!.Trim(), DeliveryAddress.Street2?.Trim(), DeliveryAddress.City!.Trim(), DeliveryAddress.State!.Trim(),
            DeliveryAddress.Zip!.Trim()),
        DeliveryTime!.Value);
}

public sealed record LineItemRequest(string? MenuItemId, int? Quantity)
{
    public const int MaxLineItems = 100;
    public const int MaxQuantity = 1000;

    public static void Validate(Dictionary<string, string[]> errors, string field, IReadOnlyList<LineItemRequest>? lineItems)
    {
        if (lineItems is null || lineItems.Count == 0)
        {
            errors[field] = ["At least one line item is required."];
            return;
        }
        if (lineItems.Count > MaxLineItems)
        {
            errors[field] = [$"At most {MaxLineItems} line items."];
        }
        for (var i = 0; i < lineItems.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lineItems[i].MenuItemId))
            {
                errors[$"{field}[{i}].menuItemId"] = ["The menu item id is required."];
            }
            if (lineItems[i].Quantity is not (>= 1 and <= MaxQuantity))
            {
                errors[$"{field}[{i}].quantity"] = [$"The quantity is a whole number from 1 to {MaxQuantity}."];
            }
        }
    }
}

public sealed record AddressDto(string? Street1, string? Street2, string? City, string? State, string? Zip)
{
    public void Validate(Dictionary<string, string[]> errors, string field)
    {
        foreach (var (name, value) in new[] { ("street1", Street1), ("city", City), ("state", State), ("zip", Zip) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors[$"{field}.{name}"] = ["This field is required."];
            }
        }
    }
}

/// <summary>POST /v1/orders/{orderId}/revise body.</summary>
public sealed record ReviseOrderRequest(IReadOnlyList<LineItemRequest>? RevisedLineItems)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        LineItemRequest.Validate(errors, "revisedLineItems", RevisedLineItems);
        return errors;
    }
}

public sealed record CreateOrderResponse(long OrderId, string State);

public sealed record OrderStateResponse(long OrderId, string State);

public sealed record Link(string Href);

public sealed record LineItemResponse(string MenuItemId, string Name, int Quantity, Money Price, Money Total);

/// <summary>GET /v1/orders/{orderId}: the order, priced, with the links its state allows.</summary>
public sealed record OrderResponse(
    long OrderId,
    long ConsumerId,
    long RestaurantId,
    string State,
    Money OrderTotal,
    IReadOnlyList<LineItemResponse> LineItems,
    AddressDto DeliveryAddress,
    DateTimeOffset DeliveryTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectionReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefusalReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LineItemResponse>? PendingRevision,
    [property: JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links)
{
    public static OrderResponse Of(OrderAggregate order)
    {
        var self = OrdersApiV1.Self(order.Id);
        var links = new Dictionary<string, Link> { ["self"] = new(self) };
        if (order.CanCancel)
        {
            links["cancel"] = new($"{self}/cancel");
        }
        if (order.CanRevise)
        {
            links["revise"] = new($"{self}/revise");
        }
        var address = order.Delivery.Address;
        return new OrderResponse(order.Id, order.ConsumerId, order.RestaurantId, order.State.Name(), order.OrderTotal, Lines(order.LineItems),
            new AddressDto(address.Street1, address.Street2, address.City, address.State, address.Zip), order.Delivery.DeliveryTime,
            order.RejectionReason, order.RefusalReason, order.PendingRevision is null ? null : Lines(order.PendingRevision), links);
    }

    private static List<LineItemResponse> Lines(IEnumerable<OrderLineItem> items) =>
        [.. items.Select(i => new LineItemResponse(i.MenuItemId, i.Name, i.Quantity, i.Price, i.Total))];
}

public sealed record OrderPage(IReadOnlyList<OrderResponse> Orders, int Page, int PageSize,
    [property: JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links);
