using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Order.Proxies;
using FoodOrdering.Order.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

/// <summary>
/// The Order service's REST API, v1 and v2 side by side over ONE domain model: the endpoints and use cases
/// are shared, only the representation differs, and the translating adapters
/// (<see cref="OrderRepresentationV1"/>, <see cref="OrderRepresentationV2"/>) hold the translation. POST
/// answers at once (201, APPROVAL_PENDING, Retry-After: 1): the saga decides later, and the client polls
/// GET, whose _links say what may be done next (hypermedia as the state machine's menu). GET carries an
/// ETag; cancel and revise honour If-Match. The version comes from the URL (<c>/v2/orders</c>) or, on the
/// version-less <c>/orders/{orderId}</c>, from the media type (<see cref="OrderApiVersions"/>).
/// </summary>
public static class OrdersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxPageSize = 100;

    private static readonly JsonSerializerOptions Fingerprinting = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.NewVersionedApi("Orders");

        var v1 = api.MapGroup("/v{version:apiVersion}/orders").HasApiVersion(OrderApiVersions.V1)
            .AdvertisesApiVersion(OrderApiVersions.V2).WithTags("Orders v1") // a v1 client learns that v2 exists
            .AddEndpointFilter<OrderOwnerFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        v1.MapGet("/{orderId:long}", GetOrderV1).WithName("GetOrderV1").ProducesValidationProblem()
            .Produces<OrderRepresentationV1>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/", GetOrdersOfConsumerV1).WithName("GetOrdersOfConsumerV1").ProducesValidationProblem();
        MapCommands(v1, 1);

        var v2 = api.MapGroup("/v{version:apiVersion}/orders").HasApiVersion(OrderApiVersions.V2).WithTags("Orders v2")
            .AddEndpointFilter<OrderOwnerFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        v2.MapGet("/{orderId:long}", GetOrderV2).WithName("GetOrderV2").ProducesValidationProblem()
            .Produces<OrderRepresentationV2>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        v2.MapGet("/", GetOrdersOfConsumerV2).WithName("GetOrdersOfConsumerV2").ProducesValidationProblem();
        MapCommands(v2, 2);

        // Content negotiation: the same order, the version chosen by the Accept header's vendor media type.
        var negotiated = api.MapGroup("/orders").HasApiVersion(OrderApiVersions.V1).HasApiVersion(OrderApiVersions.V2).WithTags("Orders (media type)")
            .AddEndpointFilter<OrderOwnerFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        negotiated.MapGet("/{orderId:long}", GetOrderNegotiated).WithName("GetOrderByMediaType").ProducesValidationProblem()
            .Produces<OrderRepresentationV1>(StatusCodes.Status200OK, OrderApiVersions.MediaType(1))
            .Produces<OrderRepresentationV2>(StatusCodes.Status200OK, OrderApiVersions.MediaType(2))
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static void MapCommands(RouteGroupBuilder orders, int version)
    {
        orders.MapPost("/", CreateOrder).WithName($"CreateOrderV{version}").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        orders.MapPost("/{orderId:long}/cancel", CancelOrder).WithName($"CancelOrderV{version}").ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        orders.MapPost("/{orderId:long}/revise", ReviseOrder).WithName($"ReviseOrderV{version}").ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
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
            var self = Self(order.Id, OrderApiVersions.RequestedMajor(http), http.Request.PathBase);
            // The outcome comes later: poll in about a second.
            http.Response.Headers.RetryAfter = "1";
            http.Response.Headers.Location = self;
            // The first answer's body, again on a retry: the order as it was created.
            var body = new CreateOrderResponse(order.Id, OrderState.ApprovalPending.Name());
            return created ? TypedResults.Created(self, body) : TypedResults.Ok(body);
        }
        catch (Exception e) when (e is OrderNotPricedException or IdempotencyKeyReusedException or OrderRefusedException)
        {
            return Unprocessable(e.Message);
        }
        catch (ServiceUnavailableException e)
        {
            // Only with Order:Validation=Synchronous: the order cannot be placed while a participant is away.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The order cannot be placed now",
                detail: $"{e.Message} (Order:Validation=Synchronous: placing an order waits for it).");
        }
    }

    public static Task<Results<JsonHttpResult<OrderRepresentationV1>, StatusCodeHttpResult, ValidationProblem>> GetOrderV1(long orderId, string? expand,
        HttpContext http, OrderService orders, OrderLinks links, OrderExpansion expansion, CancellationToken cancellationToken) =>
        GetOrderAsync(orderId, expand, version: 1, negotiated: false, http, orders, links, expansion,
            (order, expanded) => OrderRepresentationV1.Of(order, links.Of(order, 1, http.Request.PathBase), expanded), cancellationToken);

    public static Task<Results<JsonHttpResult<OrderRepresentationV2>, StatusCodeHttpResult, ValidationProblem>> GetOrderV2(long orderId, string? expand,
        HttpContext http, OrderService orders, OrderLinks links, OrderExpansion expansion, CancellationToken cancellationToken) =>
        GetOrderAsync(orderId, expand, version: 2, negotiated: false, http, orders, links, expansion,
            (order, expanded) => OrderRepresentationV2.Of(order, links.Of(order, 2, http.Request.PathBase), expanded), cancellationToken);

    /// <summary>GET /orders/{orderId}: v1 or v2 by the Accept header; the Content-Type says which one came back.</summary>
    public static async Task<IResult> GetOrderNegotiated(long orderId, string? expand, HttpContext http, OrderService orders, OrderLinks links,
        OrderExpansion expansion, CancellationToken cancellationToken)
    {
        http.Response.Headers.Vary = "Accept";
        var version = OrderApiVersions.RequestedMajor(http);
        return version == 2
            ? await GetOrderAsync(orderId, expand, 2, negotiated: true, http, orders, links, expansion,
                (order, expanded) => OrderRepresentationV2.Of(order, links.Of(order, 2, http.Request.PathBase), expanded), cancellationToken)
            : await GetOrderAsync(orderId, expand, 1, negotiated: true, http, orders, links, expansion,
                (order, expanded) => OrderRepresentationV1.Of(order, links.Of(order, 1, http.Request.PathBase), expanded), cancellationToken);
    }

    private static async Task<Results<JsonHttpResult<T>, StatusCodeHttpResult, ValidationProblem>> GetOrderAsync<T>(long orderId, string? expand, int version,
        bool negotiated, HttpContext http, OrderService orders, OrderLinks links, OrderExpansion expansion,
        Func<OrderAggregate, Expansion?, T> represent, CancellationToken cancellationToken)
    {
        if (expand is not null && OrderExpansion.Unknown(expand) is { Count: > 0 } unknown)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["expand"] = [$"Unknown: {string.Join(", ", unknown)}. Supported: {string.Join(", ", OrderExpansion.Supported)}."],
            }, title: "The query is not valid");
        }
        var order = await orders.FindAsync(orderId, cancellationToken);
        var expanded = await expansion.ExpandAsync(order, expand, cancellationToken);
        if (expanded is null)
        {
            // The ETag stands for the order's own state; an expanded answer also holds another service's data, so it has none.
            var etag = OrderETags.Of(order, version);
            http.Response.Headers.ETag = etag;
            if (OrderETags.NotModified(http.Request, etag))
            {
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
        }
        var asksForMediaType = OrderApiVersions.AskedVersions(http.Request).Count > 0;
        return TypedResults.Json(represent(order, expanded), contentType: negotiated || asksForMediaType ? OrderApiVersions.MediaType(version) : null);
    }

    public static Task<Results<Ok<OrderPage<OrderRepresentationV1>>, ValidationProblem>> GetOrdersOfConsumerV1(long? consumerId, int? page, int? pageSize,
        OrderDbContext db, OrderLinks links, HttpContext http, CancellationToken cancellationToken) =>
        GetOrdersOfConsumerAsync(consumerId, page, pageSize, 1, http.Request.PathBase, db,
            order => OrderRepresentationV1.Of(order, links.Of(order, 1, http.Request.PathBase)), cancellationToken);

    public static Task<Results<Ok<OrderPage<OrderRepresentationV2>>, ValidationProblem>> GetOrdersOfConsumerV2(long? consumerId, int? page, int? pageSize,
        OrderDbContext db, OrderLinks links, HttpContext http, CancellationToken cancellationToken) =>
        GetOrdersOfConsumerAsync(consumerId, page, pageSize, 2, http.Request.PathBase, db,
            order => OrderRepresentationV2.Of(order, links.Of(order, 2, http.Request.PathBase)), cancellationToken);

    private static async Task<Results<Ok<OrderPage<T>>, ValidationProblem>> GetOrdersOfConsumerAsync<T>(long? consumerId, int? page, int? pageSize,
        int version, PathString pathBase, OrderDbContext db, Func<OrderAggregate, T> represent, CancellationToken cancellationToken)
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
        var links = new Dictionary<string, Link> { ["self"] = new(PageOf(pathBase, consumerId!.Value, number, size, version)) };
        if (found.Count > size)
        {
            links["next"] = new(PageOf(pathBase, consumerId.Value, number + 1, size, version));
        }
        if (number > 1)
        {
            links["prev"] = new(PageOf(pathBase, consumerId.Value, number - 1, size, version));
        }
        return TypedResults.Ok(new OrderPage<T>([.. found.Take(size).Select(represent)], number, size, links));
    }

    public static async Task<Results<Accepted<OrderStateResponse>, ProblemHttpResult>> CancelOrder(long orderId, OrderService orders, HttpContext http,
        CancellationToken cancellationToken)
    {
        try
        {
            var order = await orders.CancelAsync(orderId, OrderETags.ExpectedVersions(http.Request), cancellationToken);
            return TypedResults.Accepted(Self(order.Id, OrderApiVersions.RequestedMajor(http), http.Request.PathBase), new OrderStateResponse(order.Id, order.State.Name()));
        }
        catch (OrderVersionMismatchException e)
        {
            return PreconditionFailed(e.Message);
        }
    }

    public static async Task<Results<Accepted<OrderStateResponse>, ValidationProblem, ProblemHttpResult>> ReviseOrder(long orderId,
        ReviseOrderRequest request, OrderService orders, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The revision is not valid");
        }
        try
        {
            var order = await orders.ReviseAsync(orderId, Requested(request.RevisedLineItems!), OrderETags.ExpectedVersions(http.Request), cancellationToken);
            return TypedResults.Accepted(Self(order.Id, OrderApiVersions.RequestedMajor(http), http.Request.PathBase), new OrderStateResponse(order.Id, order.State.Name()));
        }
        catch (OrderNotPricedException e)
        {
            return Unprocessable(e.Message);
        }
        catch (OrderVersionMismatchException e)
        {
            return PreconditionFailed(e.Message);
        }
    }

    /// <summary>
    /// An order's URL as the client who asked can follow it: <paramref name="pathBase"/> is what a proxy in front
    /// took off the path (the gateway's <c>/api</c>, from X-Forwarded-Prefix), empty when called directly.
    /// </summary>
    public static string Self(long orderId, int version, PathString pathBase) => $"{pathBase}/v{version}/orders/{orderId}";

    private static string PageOf(PathString pathBase, long consumerId, int page, int size, int version) =>
        $"{pathBase}/v{version}/orders?consumerId={consumerId}&page={page}&pageSize={size}";

    private static List<RequestedLineItem> Requested(IEnumerable<LineItemRequest> lineItems) =>
        [.. lineItems.Select(i => new RequestedLineItem(i.MenuItemId!, i.Quantity!.Value))];

    private static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The order cannot be processed", detail: detail);

    private static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The order has changed since you read it", detail: detail);

    /// <summary>The request body's hash: an Idempotency-Key used again with another body is refused.</summary>
    private static string Fingerprint(CreateOrderRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, Fingerprinting))));
}

/// <summary>POST /v{1,2}/orders body (the same in both versions). Unknown fields are ignored (robustness principle).</summary>
/// <remarks>
/// <c>deliveryInstructions</c> came in a minor version: optional, so a client written before it still
/// works (no instructions).
/// </remarks>
public sealed record CreateOrderRequest(long? ConsumerId, long? RestaurantId, IReadOnlyList<LineItemRequest>? LineItems,
    AddressDto? DeliveryAddress, DateTimeOffset? DeliveryTime, string? DeliveryInstructions = null)
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxDeliveryInstructionsLength = 500;

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
        if (DeliveryInstructions is { Length: > MaxDeliveryInstructionsLength })
        {
            errors["deliveryInstructions"] = [$"At most {MaxDeliveryInstructionsLength} characters."];
        }
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength))
        {
            errors[OrdersApi.IdempotencyKeyHeader] = [$"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} characters."];
        }
        return errors;
    }

    public DeliveryInformation DeliveryInformation() => new(
        new Address(DeliveryAddress!.Street1!.Trim(), DeliveryAddress.Street2?.Trim(), DeliveryAddress.City!.Trim(), DeliveryAddress.State!.Trim(),
            DeliveryAddress.Zip!.Trim()),
        DeliveryTime!.Value,
        string.IsNullOrWhiteSpace(DeliveryInstructions) ? null : DeliveryInstructions.Trim());
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
    public static AddressDto Of(Address address) => new(address.Street1, address.Street2, address.City, address.State, address.Zip);

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

public sealed record OrderPage<T>(IReadOnlyList<T> Orders, int Page, int PageSize,
    [property: System.Text.Json.Serialization.JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links);
