using System.Text.Json.Serialization;
using FoodOrdering.Domain;
using FoodOrdering.Order.Domain;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

/// <summary>Money in v2: the amount (a decimal string, never a float) and its ISO 4217 currency.</summary>
public sealed record MoneyV2(string Amount, string Currency)
{
    /// <summary>The domain knows one currency; v2 says which, so that it can grow more without breaking again.</summary>
    public const string ServiceCurrency = "USD";

    public static MoneyV2 Of(Money money) => new(money.ToString(), ServiceCurrency);
}

public sealed record LineItemV2(string MenuItemId, string Name, int Quantity, MoneyV2 Price, MoneyV2 Total);

public sealed record DeliveryV2(AddressDto Address, DateTimeOffset Time,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Instructions);

public sealed record StateChangeV2(string State, DateTimeOffset At);

/// <summary>
/// GET /v2/orders/{orderId}: the same order as v1, in a representation that breaks v1 clients (hence a new
/// major version, served side by side): money is an object <c>{"amount":"24.68","currency":"USD"}</c>,
/// delivery address and time are one <c>delivery</c> object, and the state history comes along.
/// </summary>
public sealed record OrderRepresentationV2(
    long OrderId,
    long ConsumerId,
    long RestaurantId,
    string State,
    MoneyV2 OrderTotal,
    IReadOnlyList<LineItemV2> LineItems,
    DeliveryV2 Delivery,
    IReadOnlyList<StateChangeV2> StateHistory,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectionReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefusalReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LineItemV2>? PendingRevision,
    [property: JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links,
    [property: JsonPropertyName("_embedded"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Embedded? Embedded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PartWarning>? Warnings)
{
    /// <summary>The translating adapter from the one domain model to representation v2.</summary>
    public static OrderRepresentationV2 Of(OrderAggregate order, IReadOnlyDictionary<string, Link> links, Expansion? expansion = null) =>
        new(order.Id, order.ConsumerId, order.RestaurantId, order.State.Name(), MoneyV2.Of(order.OrderTotal), Lines(order.LineItems),
            new DeliveryV2(AddressDto.Of(order.Delivery.Address), order.Delivery.DeliveryTime, order.Delivery.Instructions),
            [.. order.StateHistory.Select(c => new StateChangeV2(c.State.Name(), c.At))],
            order.RejectionReason, order.RefusalReason, order.PendingRevision is null ? null : Lines(order.PendingRevision), links,
            expansion?.Embedded, expansion?.Warnings);

    private static List<LineItemV2> Lines(IEnumerable<OrderLineItem> items) =>
        [.. items.Select(i => new LineItemV2(i.MenuItemId, i.Name, i.Quantity, MoneyV2.Of(i.Price), MoneyV2.Of(i.Total)))];
}
