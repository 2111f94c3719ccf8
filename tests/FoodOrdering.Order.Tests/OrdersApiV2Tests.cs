using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// v1 and v2 side by side over one domain model: an order written through one version reads through the
/// other; v2's representation is the breaking one (money objects, delivery object, state history); the
/// version-less path negotiates by media type; a contradicting or unknown version is refused with the
/// versions there are; one OpenAPI document per version.
/// </summary>
public sealed class OrdersApiV2Tests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    private const string V1MediaType = "application/vnd.ftgo.order.v1+json";
    private const string V2MediaType = "application/vnd.ftgo.order.v2+json";

    [Fact]
    public async Task An_order_placed_through_v1_reads_through_v2_with_money_objects_delivery_and_state_history()
    {
        var participants = service.Participants();
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 50);

        var v2 = (await service.Client.GetFromJsonAsync<JsonNode>($"/v2/orders/{orderId}"))!;

        Assert.Equal(("24.68", "USD"), (v2["orderTotal"]!["amount"]!.GetValue<string>(), v2["orderTotal"]!["currency"]!.GetValue<string>()));
        var line = v2["lineItems"]![0]!;
        Assert.Equal(("Chicken Vindaloo", 2, "12.34", "24.68", "USD"), (line["name"]!.GetValue<string>(), line["quantity"]!.GetValue<int>(),
            line["price"]!["amount"]!.GetValue<string>(), line["total"]!["amount"]!.GetValue<string>(), line["total"]!["currency"]!.GetValue<string>()));
        Assert.Equal("Oakland", v2["delivery"]!["address"]!["city"]!.GetValue<string>());
        Assert.Null(v2["deliveryAddress"]); // v1's field is gone in v2: the breaking change
        Assert.Equal(["APPROVAL_PENDING", "APPROVED"], v2["stateHistory"]!.AsArray().Select(c => c!["state"]!.GetValue<string>()));
        var times = v2["stateHistory"]!.AsArray().Select(c => c!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(times[0] <= times[1]);
        Assert.Equal($"/v2/orders/{orderId}", v2["_links"]!["self"]!["href"]!.GetValue<string>());
        Assert.Equal($"/v2/orders/{orderId}/cancel", v2["_links"]!["cancel"]!["href"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_order_placed_through_v2_reads_through_v1_unchanged()
    {
        var response = await service.Client.PostAsJsonAsync("/v2/orders", OrderServiceFactory.OrderRequest(51, OrderServiceFactory.RestaurantId, quantity: 3));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var orderId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>();
        Assert.Equal($"/v2/orders/{orderId}", response.Headers.Location!.ToString());

        var v1 = await service.GetOrderAsync(orderId);

        Assert.Equal(("APPROVAL_PENDING", "37.02"), (v1["state"]!.GetValue<string>(), v1["orderTotal"]!.GetValue<string>())); // a string, as v1 always had it
        Assert.Equal("37.02", v1["lineItems"]![0]!["total"]!.GetValue<string>());
        Assert.Equal("Oakland", v1["deliveryAddress"]!["city"]!.GetValue<string>());
        Assert.Null(v1["stateHistory"]);
        Assert.Equal(1, await service.Database.ScalarAsync<long>($"SELECT jsonb_array_length(state_history) FROM orders WHERE id = {orderId}"));
    }

    [Fact]
    public async Task The_version_less_path_serves_the_version_the_Accept_header_names_and_says_which_in_the_Content_Type()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 52);

        var asV2 = await GetAsync($"/orders/{orderId}", V2MediaType);
        var asV1 = await GetAsync($"/orders/{orderId}", V1MediaType);
        var unspecified = await GetAsync($"/orders/{orderId}", "application/json");

        Assert.Equal(HttpStatusCode.OK, asV2.StatusCode);
        Assert.Equal(V2MediaType, asV2.Content.Headers.ContentType!.MediaType);
        Assert.Equal("USD", (await asV2.Content.ReadFromJsonAsync<JsonNode>())!["orderTotal"]!["currency"]!.GetValue<string>());
        Assert.Contains("Accept", asV2.Headers.Vary);
        Assert.Equal(V1MediaType, asV1.Content.Headers.ContentType!.MediaType);
        Assert.Equal("24.68", (await asV1.Content.ReadFromJsonAsync<JsonNode>())!["orderTotal"]!.GetValue<string>());
        Assert.Equal(V1MediaType, unspecified.Content.Headers.ContentType!.MediaType); // no vendor type: v1, the default
        Assert.Equal("1.0, 2.0", string.Join(", ", asV2.Headers.GetValues("api-supported-versions")));
    }

    [Fact]
    public async Task A_vendor_media_type_that_contradicts_the_URL_version_is_406()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 53);

        var contradicting = await GetAsync($"/v1/orders/{orderId}", V2MediaType);
        var agreeing = await GetAsync($"/v2/orders/{orderId}", V2MediaType);

        Assert.Equal(HttpStatusCode.NotAcceptable, contradicting.StatusCode);
        var problem = (await contradicting.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Contains(V2MediaType, problem["detail"]!.GetValue<string>());
        Assert.Equal(["1", "2"], problem["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, agreeing.StatusCode);
        Assert.Equal(V2MediaType, agreeing.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_unknown_version_is_a_problem_that_lists_the_supported_versions()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 54);

        var byUrl = await GetAsync($"/v3/orders/{orderId}", "application/json");
        var byMediaType = await GetAsync($"/orders/{orderId}", "application/vnd.ftgo.order.v3+json");

        Assert.Equal(HttpStatusCode.NotFound, byUrl.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, byMediaType.StatusCode);
        foreach (var response in new[] { byUrl, byMediaType })
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("1.0, 2.0", string.Join(", ", response.Headers.GetValues("api-supported-versions")));
            var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.Equal(["1", "2"], problem["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>()));
            Assert.Equal([V1MediaType, V2MediaType], problem["supportedMediaTypes"]!.AsArray().Select(v => v!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Each_version_has_its_own_OpenAPI_document()
    {
        var v1 = (await service.Client.GetFromJsonAsync<JsonNode>("/swagger/v1/swagger.json"))!;
        var v2 = (await service.Client.GetFromJsonAsync<JsonNode>("/swagger/v2/swagger.json"))!;

        var v1Paths = v1["paths"]!.AsObject().Select(p => p.Key).ToList();
        var v2Paths = v2["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/v1/orders/{orderId}", v1Paths);
        Assert.DoesNotContain(v1Paths, p => p.StartsWith("/v2/", StringComparison.Ordinal));
        Assert.Contains("/v2/orders/{orderId}", v2Paths);
        Assert.DoesNotContain(v2Paths, p => p.StartsWith("/v1/", StringComparison.Ordinal));
        Assert.Contains("/orders/{orderId}", v2Paths);
        Assert.Equal("2.0.2", v2["info"]!["version"]!.GetValue<string>()); // semantic: OpenApi:Versions:v2 (docs/api-evolution.md)
        Assert.NotNull(v2["components"]!["schemas"]!["MoneyV2"]);
        // Money is documented as what the wire carries, a decimal string, never a number (docs/api-evolution.md).
        Assert.Equal("string", v1["components"]!["schemas"]!["OrderRepresentationV1"]!["properties"]!["orderTotal"]!["type"]!.GetValue<string>());
        Assert.Equal("string", v2["components"]!["schemas"]!["MoneyV2"]!["properties"]!["amount"]!["type"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> GetAsync(string path, string accept) =>
        service.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Accept = { MediaTypeWithQualityHeaderValue.Parse(accept) } } });
}
