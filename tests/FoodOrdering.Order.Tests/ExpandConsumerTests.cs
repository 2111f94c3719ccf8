using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// <c>?expand=consumer</c>: the order with its consumer, fetched over gRPC through ConsumerServiceProxy
/// from a real gRPC server; with that server stopped, the order is still answered, with
/// <c>"consumer": null</c> and a warning that says why, first the failed call, then the open breaker.
/// </summary>
public sealed class ExpandConsumerTests(OrderServiceWithConsumerFactory service) : IClassFixture<OrderServiceWithConsumerFactory>
{
    [Fact]
    public async Task The_order_embeds_its_consumer_and_falls_back_to_null_with_a_warning_when_the_Consumer_service_is_down()
    {
        var orderId = await service.PlaceOrderAsync(ConsumerGrpcStub.KnownConsumerId);
        var unknownConsumersOrder = await service.PlaceOrderAsync(consumerId: 81);

        // Up: one round trip brings the order and its consumer; the order's own fields are as without expand.
        var expanded = await service.Client.GetAsync($"/v1/orders/{orderId}?expand=consumer");
        var body = (await expanded.Content.ReadFromJsonAsync<JsonNode>())!;
        var consumer = body["_embedded"]!["consumer"]!;
        Assert.Equal((80L, "Ada", "Lovelace", "500.00"), (consumer["consumerId"]!.GetValue<long>(), consumer["name"]!["firstName"]!.GetValue<string>(),
            consumer["name"]!["lastName"]!.GetValue<string>(), consumer["orderLimit"]!.GetValue<string>()));
        Assert.Null(body["warnings"]);
        Assert.Equal("24.68", body["orderTotal"]!.GetValue<string>());
        Assert.Null(expanded.Headers.ETag); // it holds another service's data: the order's version does not describe it
        Assert.Equal("Ada", (await GetExpandedAsync($"/v2/orders/{orderId}?expand=consumer"))["_embedded"]!["consumer"]!["name"]!["firstName"]!.GetValue<string>());
        var notFound = await GetExpandedAsync($"/v1/orders/{unknownConsumersOrder}?expand=consumer");
        Assert.Null(notFound["_embedded"]!["consumer"]);
        Assert.Contains("no consumer 81", notFound["warnings"]![0]!["detail"]!.GetValue<string>());

        // Down: still 200 with the order; the consumer is null, and a warning says which part and why.
        await service.Consumer.StopAsync();
        var down = await GetExpandedAsync($"/v1/orders/{orderId}?expand=consumer");
        Assert.Equal(orderId, down["orderId"]!.GetValue<long>());
        Assert.True(down["_embedded"]!.AsObject().ContainsKey("consumer"));
        Assert.Null(down["_embedded"]!["consumer"]);
        var warning = down["warnings"]![0]!;
        Assert.Equal(("consumer", "urn:ftgo:problem:part-unavailable"), (warning["part"]!.GetValue<string>(), warning["type"]!.GetValue<string>()));
        Assert.Contains("consumer service is unavailable: gRPC Unavailable", warning["detail"]!.GetValue<string>());

        // After enough failures the breaker opens: the proxy no longer calls, and the warning says so.
        await Wait.UntilAsync(async _ => (await GetExpandedAsync($"/v1/orders/{orderId}?expand=consumer"))["warnings"]![0]!["detail"]!.GetValue<string>()
            .Contains("circuit breaker is open", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the consumer's breaker to open", CancellationToken.None);

        // Without expand, nothing depends on the Consumer service: reading, and placing an order (asynchronous validation, the default).
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync($"/v1/orders/{orderId}")).StatusCode);
        var placed = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(ConsumerGrpcStub.KnownConsumerId, OrderServiceFactory.RestaurantId));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal("APPROVAL_PENDING", (await placed.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_expansion_is_400_naming_the_supported_ones()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 82);

        var response = await service.Client.GetAsync($"/v1/orders/{orderId}?expand=restaurant");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Supported: consumer", (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!["expand"]![0]!.GetValue<string>());
    }

    private async Task<JsonNode> GetExpandedAsync(string path)
    {
        var response = await service.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }
}
