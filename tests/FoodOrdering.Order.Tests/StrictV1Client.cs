using System.Text.Json;
using System.Text.Json.Serialization;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// A v1 client as one was written against the first release of GET /v1/orders/{orderId}
/// (Fixtures/order-v1-recorded.json is that release's answer, recorded): strict about every field it uses
/// (each is required, with its type), tolerant of everything else (unknown members are skipped, the
/// default). The robustness principle on the client's side: what the service adds in a minor version
/// must not break it.
/// </summary>
public static class StrictV1Client
{
    public static readonly JsonSerializerOptions Tolerant = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true };

    /// <summary>The same client, but refusing unknown members: what a client must NOT do.</summary>
    public static readonly JsonSerializerOptions Intolerant = new(Tolerant) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static Order Read(string json, JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<Order>(json, options ?? Tolerant)!;

    public sealed record Order(
        [property: JsonRequired] long OrderId,
        [property: JsonRequired] long ConsumerId,
        [property: JsonRequired] long RestaurantId,
        [property: JsonRequired] string State,
        [property: JsonRequired] string OrderTotal,
        [property: JsonRequired] IReadOnlyList<LineItem> LineItems,
        [property: JsonRequired] Address DeliveryAddress,
        [property: JsonRequired] DateTimeOffset DeliveryTime,
        [property: JsonRequired, JsonPropertyName("_links")] IReadOnlyDictionary<string, Link> Links);

    public sealed record LineItem(
        [property: JsonRequired] string MenuItemId,
        [property: JsonRequired] string Name,
        [property: JsonRequired] int Quantity,
        [property: JsonRequired] string Price,
        [property: JsonRequired] string Total);

    public sealed record Address(
        [property: JsonRequired] string Street1,
        string? Street2,
        [property: JsonRequired] string City,
        [property: JsonRequired] string State,
        [property: JsonRequired] string Zip);

    public sealed record Link([property: JsonRequired] string Href);
}
