using System.Text.Json.Serialization;
using FoodOrdering.Domain;
using FoodOrdering.Order.Domain;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

public sealed record LineItemResponse(string MenuItemId, string Name, int Quantity, Money Price, Money Total);

/// <summary>
/// GET /v1/orders/{orderId}: the order, priced, with the links its state allows. Money is a decimal string
/// ("24.68"). Minor versions only add to it (clients ignore what they do not know): <c>_embedded</c> and
/// <c>warnings</c> came with <c>?expand=</c>, the consumer and ticket links after the first release.
/// </summary>
public sealed record OrderRepresentationV1(
    long OrderId,
    long ConsumerId,
    long RestaurantId,
    string State,
    Money OrderTotal,
    IReadOnlyList<LineItemResponse> LineItems,
    AddressDto DeliveryAddress,
    DateTimeOffset DeliveryTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeliveryInstructions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectionReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefusalReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LineItemResponse>? PendingRevision,
    [property: JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links,
    [property: JsonPropertyName("_embedded"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Embedded? Embedded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PartWarning>? Warnings)
{
    /// <summary>The translating adapter from the one domain model to representation v1.</summary>
    public static OrderRepresentationV1 Of(OrderAggregate order, IReadOnlyDictionary<string, Link> links, Expansion? expansion = null)
    {
        var address = order.Delivery.Address;
        return new OrderRepresentationV1(order.Id, order.ConsumerId, order.RestaurantId, order.State.Name(), order.OrderTotal, Lines(order.LineItems),
            AddressDto.Of(address), order.Delivery.DeliveryTime, order.Delivery.Instructions, order.RejectionReason, order.RefusalReason,
            order.PendingRevision is null ? null : Lines(order.PendingRevision), links, expansion?.Embedded, expansion?.Warnings);
    }

    private static List<LineItemResponse> Lines(IEnumerable<OrderLineItem> items) =>
        [.. items.Select(i => new LineItemResponse(i.MenuItemId, i.Name, i.Quantity, i.Price, i.Total))];
}
