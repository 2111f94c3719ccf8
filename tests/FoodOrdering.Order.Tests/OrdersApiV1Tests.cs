using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Grpc.Contracts.Order.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FoodOrdering.Order.Tests;

/// <summary>REST v1 and gRPC of the Order service: validation, the menu replica's verdicts, idempotency, paging, links.</summary>
public sealed class OrdersApiV1Tests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    [Fact]
    public async Task A_placed_order_is_priced_from_the_menu_replica_with_names_and_only_the_self_link_while_pending()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 30);

        var order = await service.GetOrderAsync(orderId);

        Assert.Equal((orderId, 30L, OrderServiceFactory.RestaurantId), (order["orderId"]!.GetValue<long>(), order["consumerId"]!.GetValue<long>(),
            order["restaurantId"]!.GetValue<long>()));
        Assert.Equal("APPROVAL_PENDING", order["state"]!.GetValue<string>());
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>()); // money as a decimal string
        var line = order["lineItems"]![0]!;
        Assert.Equal(("1", "Chicken Vindaloo", 2, "12.34"), (line["menuItemId"]!.GetValue<string>(), line["name"]!.GetValue<string>(),
            line["quantity"]!.GetValue<int>(), line["price"]!.GetValue<string>()));
        Assert.Null(order["rejectionReason"]);
        Assert.Equal($"/v1/orders/{orderId}", order["_links"]!["self"]!["href"]!.GetValue<string>());
        Assert.Equal(["self", "consumer"], order["_links"]!.AsObject().Select(l => l.Key));
    }

    [Fact]
    public async Task An_approved_order_links_to_cancel_and_revise()
    {
        var orderId = await service.ApprovedOrderAsync(service.Participants(), consumerId: 31);

        var links = (await service.GetOrderAsync(orderId))["_links"]!;

        Assert.Equal(["self", "cancel", "revise", "consumer", "ticket"], links.AsObject().Select(l => l.Key));
        Assert.Equal($"/v1/orders/{orderId}/cancel", links["cancel"]!["href"]!.GetValue<string>());
        Assert.EndsWith("/v1/consumers/31", links["consumer"]!["href"]!.GetValue<string>());
        Assert.EndsWith("/v1/tickets/79", links["ticket"]!["href"]!.GetValue<string>()); // the ticket id of TicketCreated
        Assert.Equal($"/v1/orders/{orderId}/revise", links["revise"]!["href"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_restaurant_or_menu_item_is_422_and_creates_nothing()
    {
        var unknownRestaurant = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(32, restaurantId: 404));
        var unknownItem = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(32, OrderServiceFactory.RestaurantId, menuItemId: "99"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownRestaurant.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownItem.StatusCode);
        Assert.Contains("no restaurant 404", (await unknownRestaurant.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Contains("no menu item '99'", (await unknownItem.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Equal(0, await service.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE consumer_id = 32"));
    }

    [Fact]
    public async Task A_revised_menu_reaches_the_replica_and_prices_new_orders()
    {
        await service.PublishRestaurantAsync(33, new RestaurantMenuItem("1", "Dal", "5.00"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(34, restaurantId: 33, menuItemId: "2"))).StatusCode);

        await service.Participants().PublishEventAsync(new RestaurantMenuRevised(33, [new RestaurantMenuItem("1", "Dal", "6.00"), new RestaurantMenuItem("2", "Rice", "2.25")]), "33");
        await LocalSystem.Processes.Wait.UntilAsync(
            async _ => await service.Database.ScalarAsync<long>("SELECT jsonb_array_length(menu_items) FROM restaurants WHERE id = 33") == 2,
            TimeSpan.FromSeconds(30), "the revised menu in the replica", CancellationToken.None);

        var response = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(34, restaurantId: 33, quantity: 4, menuItemId: "2"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await service.GetOrderAsync((await response.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>());
        Assert.Equal(("Rice", "9.00"), (order["lineItems"]![0]!["name"]!.GetValue<string>(), order["orderTotal"]!.GetValue<string>()));
        var metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Contains("ftgo_order_menu_replica_lag_seconds_count", metrics);
    }

    [Fact]
    public async Task An_invalid_order_is_400_with_the_fields_that_are_wrong()
    {
        var response = await service.Client.PostAsJsonAsync("/v1/orders", new
        {
            consumerId = 0,
            restaurantId = 3,
            lineItems = new[] { new { menuItemId = "1", quantity = 0 } },
            deliveryAddress = new { street1 = "1 Main St" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!.AsObject().Select(e => e.Key).Order();
        Assert.Equal(["consumerId", "deliveryAddress.city", "deliveryAddress.state", "deliveryAddress.zip", "deliveryTime", "lineItems[0].quantity"], errors);
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync("/v1/orders/987654321")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.PostAsync("/v1/orders/987654321/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task A_retried_POST_with_the_same_Idempotency_Key_returns_the_first_order_and_creates_no_second()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PostWithKeyAsync(key, OrderServiceFactory.OrderRequest(35, OrderServiceFactory.RestaurantId));
        var retry = await PostWithKeyAsync(key, OrderServiceFactory.OrderRequest(35, OrderServiceFactory.RestaurantId));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(1, await service.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE consumer_id = 35"));
        Assert.Equal(1, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM saga_instances s JOIN orders o ON s.saga_key = o.id::text WHERE o.consumer_id = 35"));

        var reused = await PostWithKeyAsync(key, OrderServiceFactory.OrderRequest(35, OrderServiceFactory.RestaurantId, quantity: 5));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal(1, await service.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE consumer_id = 35"));
    }

    [Fact]
    public async Task Concurrent_POSTs_with_one_Idempotency_Key_create_one_order()
    {
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostWithKeyAsync(key, OrderServiceFactory.OrderRequest(36, OrderServiceFactory.RestaurantId))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(responses.Select(r => r.Headers.Location).Distinct());
        Assert.Equal(1, await service.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE consumer_id = 36"));
    }

    [Fact]
    public async Task A_consumers_orders_come_in_pages_newest_first_with_next_and_prev_links()
    {
        var placed = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            placed.Add(await service.PlaceOrderAsync(consumerId: 37));
        }

        var first = (await service.Client.GetFromJsonAsync<JsonNode>("/v1/orders?consumerId=37&pageSize=2"))!;
        var second = (await service.Client.GetFromJsonAsync<JsonNode>(first["_links"]!["next"]!["href"]!.GetValue<string>()))!;

        Assert.Equal([placed[2], placed[1]], first["orders"]!.AsArray().Select(o => o!["orderId"]!.GetValue<long>()));
        Assert.Equal([placed[0]], second["orders"]!.AsArray().Select(o => o!["orderId"]!.GetValue<long>()));
        Assert.Null(second["_links"]!["next"]);
        Assert.Equal("/v1/orders?consumerId=37&page=1&pageSize=2", second["_links"]!["prev"]!["href"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await service.Client.GetAsync("/v1/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await service.Client.GetAsync("/v1/orders?consumerId=37&pageSize=1000")).StatusCode);
    }

    [Fact]
    public async Task GetOrder_over_gRPC_answers_the_order_and_NOT_FOUND_for_an_unknown_one()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 38);
        using var channel = GrpcChannel.ForAddress(service.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = service.Server.CreateHandler() });
        var client = new OrderService.OrderServiceClient(channel);

        var order = await client.GetOrderAsync(new GetOrderRequest { OrderId = orderId });

        Assert.Equal((orderId, 38L, "APPROVAL_PENDING", "24.68"), (order.OrderId, order.ConsumerId, order.State, order.OrderTotal.Amount));
        Assert.Equal(("Chicken Vindaloo", 2), (order.LineItems[0].Name, order.LineItems[0].Quantity));
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.GetOrderAsync(new GetOrderRequest { OrderId = 987654321 }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    private Task<HttpResponseMessage> PostWithKeyAsync(string key, object body) =>
        service.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } } });
}
