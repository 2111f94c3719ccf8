using System.Net;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>Every service as its own process, started once for the tests of a class.</summary>
public sealed class WholeSystemFixture : IAsyncLifetime
{
    public TestSystem Test { get; private set; } = null!;
    public OrderFlow Flow { get; private set; } = null!;
    public long RestaurantId { get; private set; }

    public async Task InitializeAsync()
    {
        Test = await TestSystem.StartAsync();
        Flow = new OrderFlow(Test);
        RestaurantId = await Flow.OpenRestaurantAsync();
    }

    public async Task DisposeAsync()
    {
        Flow.Dispose();
        await Test.DisposeAsync();
    }
}

/// <summary>
/// The order sagas over the command and reply channels, across the four real services: an order answered
/// at once as APPROVAL_PENDING and finished by CreateOrderSaga; each rejection with its reason and its
/// compensation; cancel and revise with a refusal each.
/// </summary>
public sealed class OrderSagaTests(WholeSystemFixture system) : IClassFixture<WholeSystemFixture>
{
    private OrderFlow Flow => system.Flow;

    [Fact]
    public async Task An_order_is_answered_APPROVAL_PENDING_at_once_and_approved_by_CreateOrderSaga()
    {
        var consumerId = await Flow.SignUpWithAccountAsync();

        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));

        var order = await Flow.WaitForOrderAsync(orderId, "APPROVED", "REJECTED");
        Assert.Equal("APPROVED", order["state"]!.GetValue<string>());
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>());
        Assert.Equal("AWAITING_ACCEPTANCE", await Flow.TicketStateAsync(orderId));
        Assert.Equal("AUTHORIZED", await Flow.AuthorizationStateAsync(orderId));
        await Flow.WaitForNotificationAsync(consumerId, orderId);
    }

    [Fact]
    public async Task An_order_over_the_consumers_limit_is_rejected_with_the_reason_and_nothing_is_charged()
    {
        var consumerId = await Flow.SignUpAsync(orderLimit: "20.00");

        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));

        var order = await Flow.WaitForOrderAsync(orderId, "REJECTED", "APPROVED");
        Assert.Contains("order limit", order["rejectionReason"]!.GetValue<string>());
        Assert.Null(await Flow.AuthorizationStateAsync(orderId));
        Assert.Null(await Flow.TicketStateAsync(orderId)); // the first step refused: no ticket was ever asked for
        await Flow.WaitForNotificationAsync(consumerId, orderId);
    }

    [Fact]
    public async Task An_order_of_an_unknown_consumer_is_rejected()
    {
        var orderId = await Flow.PlaceOrderAsync(987_654_321, system.RestaurantId, ("1", 1));

        var order = await Flow.WaitForOrderAsync(orderId, "REJECTED", "APPROVED");
        Assert.Contains("unknown consumer", order["rejectionReason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("over the authorization limit")]
    public async Task A_declined_card_rejects_the_order_and_CancelCreateTicket_compensates_the_ticket(string why)
    {
        var consumerId = await Flow.SignUpWithAccountAsync();
        await Flow.PutAsync("accounting", $"/v1/accounts/{consumerId}",
            why == "disabled" ? new { disabled = true } : new { disabled = false, singleAuthorizationLimit = "10.00" });

        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 1));

        var order = await Flow.WaitForOrderAsync(orderId, "REJECTED", "APPROVED");
        Assert.StartsWith("card declined", order["rejectionReason"]!.GetValue<string>());
        await Flow.WaitForTicketAsync(orderId, "CANCELLED");
        Assert.Equal("DECLINED", await Flow.AuthorizationStateAsync(orderId));
    }

    [Fact]
    public async Task An_approved_order_is_cancelled_with_its_ticket_and_its_authorization_reversed()
    {
        var orderId = await ApprovedOrderAsync();

        var pending = await Flow.PostAsync("order", $"/v1/orders/{orderId}/cancel", null, HttpStatusCode.Accepted);
        Assert.Equal("CANCEL_PENDING", pending["state"]!.GetValue<string>());

        await Flow.WaitForOrderAsync(orderId, "CANCELLED");
        Assert.Equal("CANCELLED", await Flow.TicketStateAsync(orderId));
        Assert.Equal("REVERSED", await Flow.AuthorizationStateAsync(orderId));
    }

    [Fact]
    public async Task A_cancel_refused_because_the_kitchen_is_preparing_the_food_returns_the_order_to_APPROVED()
    {
        var orderId = await ApprovedOrderAsync();
        var ticketId = await Flow.TicketIdAsync(orderId);
        await Flow.PostAsync("kitchen", $"/v1/tickets/{ticketId}/accept", new { readyBy = DateTimeOffset.UtcNow.AddMinutes(30) });
        await Flow.PostAsync("kitchen", $"/v1/tickets/{ticketId}/preparing", null);

        await Flow.PostAsync("order", $"/v1/orders/{orderId}/cancel", null, HttpStatusCode.Accepted);

        var order = await Flow.WaitForOrderAsync(orderId, "APPROVED", "CANCELLED");
        Assert.Equal("APPROVED", order["state"]!.GetValue<string>());
        Assert.NotNull(order["refusalReason"]);
        Assert.Equal("PREPARING", await Flow.TicketStateAsync(orderId));
        Assert.Equal("AUTHORIZED", await Flow.AuthorizationStateAsync(orderId));
    }

    [Fact]
    public async Task A_revised_order_has_its_new_line_items_and_total_everywhere()
    {
        var orderId = await ApprovedOrderAsync();

        var pending = await Flow.PostAsync("order", $"/v1/orders/{orderId}/revise",
            new { revisedLineItems = new[] { new { menuItemId = "1", quantity = 3 } } }, HttpStatusCode.Accepted);
        Assert.Equal("REVISION_PENDING", pending["state"]!.GetValue<string>());

        var order = await Flow.WaitForOrderAsync(orderId, "APPROVED");
        Assert.Equal("37.02", order["orderTotal"]!.GetValue<string>());
        Assert.Equal(37.02m, await Flow.ScalarAsync<decimal>("accounting", "SELECT amount FROM authorizations WHERE order_id = @o", ("o", orderId)));
        Assert.Equal(3, await Flow.ScalarAsync<int>("kitchen", "SELECT sum((item->>'quantity')::int)::int FROM tickets, jsonb_array_elements(line_items) item WHERE order_id = @o",
            ("o", orderId)));
    }

    [Fact]
    public async Task A_revision_over_the_consumers_limit_is_refused_and_the_order_keeps_its_line_items()
    {
        var consumerId = await Flow.SignUpWithAccountAsync(orderLimit: "30.00");
        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));
        await Flow.WaitForOrderAsync(orderId, "APPROVED");

        await Flow.PostAsync("order", $"/v1/orders/{orderId}/revise", new { revisedLineItems = new[] { new { menuItemId = "1", quantity = 5 } } },
            HttpStatusCode.Accepted);

        await Wait.UntilAsync(async _ => (await Flow.GetAsync("order", $"/v1/orders/{orderId}"))["refusalReason"] is not null,
            TimeSpan.FromSeconds(60), "the revision to be refused", CancellationToken.None);
        var order = await Flow.GetAsync("order", $"/v1/orders/{orderId}");
        Assert.Equal("APPROVED", order["state"]!.GetValue<string>());
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>());
        Assert.Equal("AWAITING_ACCEPTANCE", await Flow.TicketStateAsync(orderId));
    }

    private async Task<long> ApprovedOrderAsync()
    {
        var consumerId = await Flow.SignUpWithAccountAsync();
        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));
        await Flow.WaitForOrderAsync(orderId, "APPROVED");
        return orderId;
    }
}
