using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The robustness principle across minor versions of v1: a client written before an optional request field
/// existed still places orders (the default applies), fields the service does not know are ignored, and a
/// recorded strict v1 client still reads today's response, which has gained fields since.
/// </summary>
public sealed class RobustnessTests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    private static readonly string RecordedV1Response = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "order-v1-recorded.json"));

    [Fact]
    public async Task A_payload_without_the_newer_optional_field_is_accepted_with_its_default()
    {
        var older = await service.PlaceOrderAsync(consumerId: 60); // OrderRequest has no deliveryInstructions: an older client
        var newer = await service.Client.PostAsJsonAsync("/v1/orders", WithField(OrderServiceFactory.OrderRequest(60, OrderServiceFactory.RestaurantId),
            "deliveryInstructions", "Ring twice"));
        Assert.Equal(HttpStatusCode.Created, newer.StatusCode);
        var newerId = (await newer.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>();

        Assert.Null((await service.GetOrderAsync(older))["deliveryInstructions"]); // the default: none
        Assert.Equal("Ring twice", (await service.GetOrderAsync(newerId))["deliveryInstructions"]!.GetValue<string>());
        Assert.Equal("Ring twice", (await service.Client.GetFromJsonAsync<JsonNode>($"/v2/orders/{newerId}"))!["delivery"]!["instructions"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fields_the_service_does_not_know_are_ignored()
    {
        var body = WithField(OrderServiceFactory.OrderRequest(61, OrderServiceFactory.RestaurantId), "loyaltyCard", new JsonObject { ["number"] = "42" });
        body["lineItems"]![0]!["spiceLevel"] = "hot";
        body["deliveryAddress"]!["floor"] = 3;

        var response = await service.Client.PostAsJsonAsync("/v1/orders", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await service.GetOrderAsync((await response.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>());
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_recorded_strict_v1_client_still_reads_todays_response_which_has_more_fields()
    {
        var recorded = StrictV1Client.Read(RecordedV1Response);
        Assert.Equal(("24.68", "/v1/orders/1"), (recorded.OrderTotal, recorded.Links["self"].Href));

        var participants = service.Participants();
        var placed = await service.Client.PostAsJsonAsync("/v1/orders", WithField(OrderServiceFactory.OrderRequest(62, OrderServiceFactory.RestaurantId),
            "deliveryInstructions", "Leave at the door"));
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>();
        await service.ApproveAsync(participants, orderId, consumerId: 62);
        var today = await service.Client.GetStringAsync($"/v1/orders/{orderId}");

        // The response has grown since the recording (a field, more links), and has lost nothing.
        var recordedFields = JsonNode.Parse(RecordedV1Response)!.AsObject().Select(f => f.Key).ToHashSet();
        var todaysFields = JsonNode.Parse(today)!.AsObject().Select(f => f.Key).ToHashSet();
        Assert.ProperSuperset(recordedFields, todaysFields);
        Assert.True(JsonNode.Parse(today)!["_links"]!.AsObject().Count > 1);

        var read = StrictV1Client.Read(today);
        Assert.Equal((orderId, 62L, "APPROVED", "24.68"), (read.OrderId, read.ConsumerId, read.State, read.OrderTotal));
        Assert.Equal(("Chicken Vindaloo", "24.68"), (read.LineItems[0].Name, read.LineItems[0].Total));
        Assert.Equal($"/v1/orders/{orderId}/cancel", read.Links["cancel"].Href);

        // Why the client must skip what it does not know: one that refuses unknown members breaks on today's answer.
        StrictV1Client.Read(RecordedV1Response, StrictV1Client.Intolerant);
        Assert.Throws<JsonException>(() => StrictV1Client.Read(today, StrictV1Client.Intolerant));
    }

    private static JsonObject WithField(object request, string name, JsonNode? value)
    {
        var body = JsonSerializer.SerializeToNode(request, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
        body[name] = value;
        return body;
    }
}
