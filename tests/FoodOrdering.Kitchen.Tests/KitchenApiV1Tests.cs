using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Testing;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>REST v1 of the Kitchen service: restaurants and menus, the kitchen's ticket actions, and their errors as problem details.</summary>
public sealed class KitchenApiV1Tests(KitchenServiceFactory kitchen) : IClassFixture<KitchenServiceFactory>, IAsyncLifetime
{
    private static long nextOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1_000_000;
    private readonly HttpClient client = kitchen.CreateClient();
    private RabbitMqProbe rabbitMq = null!;

    public async Task InitializeAsync() => rabbitMq = await RabbitMqProbe.ConnectAsync(kitchen.RabbitMqUri);

    public async Task DisposeAsync() => await rabbitMq.DisposeAsync();

    [Fact]
    public async Task Creating_a_restaurant_answers_201_with_its_location_and_publishes_RestaurantCreated_with_the_whole_menu()
    {
        var events = await rabbitMq.WatchExchangeAsync(kitchen.ChannelPrefix + Channels.RestaurantEvents);

        var response = await client.PostAsJsonAsync("/v1/restaurants", KitchenServiceFactory.Ajanta);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        var restaurantId = body["restaurantId"]!.GetValue<long>();
        Assert.Equal($"/v1/restaurants/{restaurantId}", response.Headers.Location!.OriginalString);
        var read = (await client.GetFromJsonAsync<JsonNode>($"/v1/restaurants/{restaurantId}"))!;
        Assert.Equal("Ajanta", read["name"]!.GetValue<string>());
        Assert.Equal("Oakland", read["address"]!["city"]!.GetValue<string>());
        Assert.Equal("12.34", read["menu"]!["menuItems"]![0]!["price"]!.GetValue<string>());
        var (created, _) = await rabbitMq.WaitForMessageAsync(events,
            (_, h) => h["ftgo-message-type"] == nameof(RestaurantCreated) && h["ftgo-message-key"] == restaurantId.ToString());
        Assert.Contains("\"menuItems\":[{\"id\":\"1\",\"name\":\"Chicken Vindaloo\",\"price\":\"12.34\"}", created);
    }

    [Fact]
    public async Task Revising_a_menu_replaces_it_and_publishes_RestaurantMenuRevised_once()
    {
        var restaurantId = await kitchen.CreateRestaurantAsync(client);
        var menu = new { menuItems = new[] { new { id = "3", name = "Dal Makhani", price = "9.99" } } };

        var first = await client.PutAsJsonAsync($"/v1/restaurants/{restaurantId}/menu", menu);
        var same = await client.PutAsJsonAsync($"/v1/restaurants/{restaurantId}/menu", menu);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal("Dal Makhani", (await same.Content.ReadFromJsonAsync<JsonNode>())!["menu"]!["menuItems"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(1L, await kitchen.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM outbox WHERE message_type = 'RestaurantMenuRevised' AND message_key = '{restaurantId}'"));
    }

    [Theory]
    [InlineData("""{"name":"X","address":{"street1":"1 Main St","city":"Oakland","state":"CA","zip":"94611"},"menu":{"menuItems":[{"id":"1","name":"A","price":"1.234"}]}}""", "price")]
    [InlineData("""{"name":"X","address":{"street1":"1 Main St","city":"Oakland","state":"CA","zip":"94611"},"menu":{"menuItems":[]}}""", "at least one item")]
    [InlineData("""{"name":"X","menu":{"menuItems":[{"id":"1","name":"A","price":"1.00"}]}}""", "address")]
    [InlineData("""{"name":"","address":{"street1":"1 Main St","city":"Oakland","state":"CA","zip":"94611"},"menu":{"menuItems":[{"id":"1","name":"A","price":"1.00"}]}}""", "name")]
    public async Task A_bad_restaurant_is_400_with_problem_details_and_nothing_is_stored(string json, string mentioned)
    {
        var before = await kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM restaurants");

        var response = await client.PostAsync("/v1/restaurants", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(mentioned, await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM restaurants"));
    }

    [Theory]
    [InlineData("GET", "/v1/restaurants/987654321")]
    [InlineData("PUT", "/v1/restaurants/987654321/menu")]
    [InlineData("GET", "/v1/tickets/987654321")]
    [InlineData("POST", "/v1/tickets/987654321/accept")]
    [InlineData("POST", "/v1/tickets/987654321/preparing")]
    [InlineData("POST", "/v1/tickets/987654321/ready-for-pickup")]
    [InlineData("POST", "/v1/tickets/987654321/picked-up")]
    public async Task An_unknown_restaurant_or_ticket_is_404_with_problem_details(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method != "GET")
        {
            request.Content = url.EndsWith("menu", StringComparison.Ordinal)
                ? JsonContent.Create(new { menuItems = new[] { new { id = "1", name = "A", price = "1.00" } } })
                : JsonContent.Create(new { readyBy = DateTimeOffset.UtcNow.AddHours(1) });
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_kitchen_works_a_ticket_through_to_picked_up_with_an_event_per_step_and_an_illegal_step_is_409()
    {
        var ticketId = await ConfirmedTicketAsync();
        var readyBy = DateTimeOffset.UtcNow.AddMinutes(45);

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/v1/tickets/{ticketId}/preparing", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/v1/tickets/{ticketId}/accept", new { readyBy = DateTimeOffset.UtcNow.AddMinutes(-1) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/v1/tickets/{ticketId}/accept", new { })).StatusCode);

        var accepted = await client.PostAsJsonAsync($"/v1/tickets/{ticketId}/accept", new { readyBy });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("ACCEPTED", (await accepted.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>());
        var conflict = await client.PostAsJsonAsync($"/v1/tickets/{ticketId}/accept", new { readyBy });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
        Assert.Contains("AWAITING_ACCEPTANCE", await conflict.Content.ReadAsStringAsync());

        foreach (var (step, state) in new[] { ("preparing", "PREPARING"), ("ready-for-pickup", "READY_FOR_PICKUP"), ("picked-up", "PICKED_UP") })
        {
            var response = await client.PostAsync($"/v1/tickets/{ticketId}/{step}", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(state, (await response.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>());
        }
        var ticket = (await client.GetFromJsonAsync<JsonNode>($"/v1/tickets/{ticketId}"))!;
        Assert.Equal("PICKED_UP", ticket["state"]!.GetValue<string>());
        Assert.Equal(readyBy.ToUnixTimeSeconds(), ticket["readyBy"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/v1/tickets/{ticketId}/picked-up", null)).StatusCode);

        var events = await kitchen.Database.ScalarAsync<string>(
            $"SELECT string_agg(message_type, ',' ORDER BY position) FROM outbox WHERE channel = 'ticket-events' AND payload::jsonb ->> 'ticketId' = '{ticketId}'");
        Assert.Equal("TicketConfirmed,TicketAccepted,TicketPreparationStarted,TicketReadyForPickup,TicketPickedUp", events);
    }

    private async Task<long> ConfirmedTicketAsync()
    {
        var restaurantId = await kitchen.CreateRestaurantAsync(client);
        var saga = new SagaParticipant(kitchen, rabbitMq);
        var orderId = Interlocked.Increment(ref nextOrderId);
        var created = await saga.SendAsync(new CreateTicket(orderId, restaurantId, [new("1", 1)]), orderId);
        await saga.SendAsync(new ConfirmCreateTicket(orderId), orderId);
        return created.TicketId;
    }
}
