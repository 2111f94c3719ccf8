using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// What asynchronous messaging buys (chapter 3): the Order service accepts orders while the services its
/// saga needs are down, a participant killed in the middle of a burst loses and doubles nothing, and a
/// stale command redelivered with a new message id cannot bring a cancelled order's ticket or charge back.
/// Each test stops or kills processes, so each starts a system of its own.
/// </summary>
public sealed class OrderResilienceTests
{
    private static readonly string[] Participants = ["consumer", "kitchen", "accounting"];

    [Fact]
    public async Task With_Consumer_Kitchen_and_Accounting_down_orders_are_accepted_and_all_finish_once_they_are_back()
    {
        await using var test = await TestSystem.StartAsync();
        using var flow = new OrderFlow(test);
        var restaurantId = await flow.OpenRestaurantAsync();
        var consumerId = await flow.SignUpWithAccountAsync();

        var stopped = new List<RunningService>();
        foreach (var name in Participants)
        {
            var service = test.Service(name);
            await service.Process.StopAsync(TimeSpan.FromSeconds(10));
            stopped.Add(service);
        }
        // Respond first: no synchronous call to anyone, so the Order service answers as usual.
        var orders = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add(await flow.PlaceOrderAsync(consumerId, restaurantId, ("1", 1 + i % 3)));
        }
        // Their first commands wait in the Consumer service's queue.
        await using (var rabbitMq = await RabbitMqProbe.ConnectAsync(test.System.RabbitMqUri))
        {
            await Wait.UntilAsync(async _ => await rabbitMq.MessageCountAsync(test.ChannelPrefix + "consumer-service-commands") >= 20,
                TimeSpan.FromSeconds(30), "the 20 ValidateOrderByConsumer commands to wait in their queue", CancellationToken.None);
        }
        foreach (var order in orders)
        {
            Assert.Equal("APPROVAL_PENDING", (await flow.GetAsync("order", $"/v1/orders/{order}"))["state"]!.GetValue<string>());
        }

        foreach (var service in stopped)
        {
            await test.System.RestartAsync(service, CancellationToken.None);
        }

        foreach (var order in orders)
        {
            Assert.Equal("APPROVED", (await flow.WaitForOrderAsync(order, "APPROVED", "REJECTED"))["state"]!.GetValue<string>());
        }
        await AssertOneTicketAndOneAuthorizationPerOrderAsync(flow, orders);
    }

    [Fact]
    public async Task A_participant_killed_with_SIGKILL_in_a_burst_of_orders_loses_nothing_and_doubles_nothing()
    {
        await using var test = await TestSystem.StartAsync();
        using var flow = new OrderFlow(test);
        var restaurantId = await flow.OpenRestaurantAsync();
        var consumerId = await flow.SignUpWithAccountAsync(orderLimit: "100000.00");

        var orders = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            orders.Add(await flow.PlaceOrderAsync(consumerId, restaurantId, ("1", 1)));
            if (i == 20)
            {
                // In the middle of the burst: Accounting dies between any two instructions.
                var accounting = test.Service("accounting");
                accounting.Process.Kill();
                await Wait.UntilAsync(_ => Task.FromResult(accounting.Process.HasExited), TimeSpan.FromSeconds(10), "accounting to die",
                    CancellationToken.None);
                await test.System.RestartAsync(accounting, CancellationToken.None);
            }
        }

        foreach (var order in orders)
        {
            Assert.Equal("APPROVED", (await flow.WaitForOrderAsync(order, "APPROVED", "REJECTED"))["state"]!.GetValue<string>());
        }
        await AssertOneTicketAndOneAuthorizationPerOrderAsync(flow, orders);
        await using var rabbitMq = await RabbitMqProbe.ConnectAsync(test.System.RabbitMqUri);
        Assert.Equal(0u, await rabbitMq.MessageCountAsync(test.ChannelPrefix + "accounting-service-commands_error") ?? 0u);
    }

    [Fact]
    public async Task A_stale_CreateTicket_or_AuthorizeCard_with_a_new_message_id_cannot_bring_back_a_cancelled_orders_ticket_or_charge()
    {
        await using var test = await TestSystem.StartAsync();
        using var flow = new OrderFlow(test);
        var restaurantId = await flow.OpenRestaurantAsync();
        var consumerId = await flow.SignUpWithAccountAsync();
        var orderId = await flow.PlaceOrderAsync(consumerId, restaurantId, ("1", 2));
        await flow.WaitForOrderAsync(orderId, "APPROVED");
        await flow.PostAsync("order", $"/v1/orders/{orderId}/cancel", null, System.Net.HttpStatusCode.Accepted);
        await flow.WaitForOrderAsync(orderId, "CANCELLED");

        // The saga's first commands again, as a redelivery from a retrying sender would bring them: new message
        // ids (the inbox cannot recognise them), sent through the Order service's own outbox and relay.
        var orderDatabase = test.System.ConnectionString(test.Service("order").Definition);
        await using var saga = await SagaSide.StartAsync(() => new OutboxOnlyDbContext(orderDatabase), test.System.RabbitMqUri, test.ChannelPrefix,
            Contracts.Channels.TicketEvents);
        var createTicket = await saga.SendAsync(new CreateTicket(orderId, restaurantId, [new TicketLineItem("1", 2)]), orderId);
        var authorizeCard = await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "24.68"), orderId);

        Assert.Equal(nameof(TicketCreationFailed), (await saga.ReplyAsync(createTicket)).Type);
        Assert.Equal(nameof(CardAuthorizationFailed), (await saga.ReplyAsync(authorizeCard)).Type);
        Assert.Equal("CANCELLED", await flow.TicketStateAsync(orderId));
        Assert.Equal("REVERSED", await flow.AuthorizationStateAsync(orderId));
        Assert.Equal("CANCELLED", (await flow.GetAsync("order", $"/v1/orders/{orderId}"))["state"]!.GetValue<string>());
    }

    private static async Task AssertOneTicketAndOneAuthorizationPerOrderAsync(OrderFlow flow, List<long> orders)
    {
        var ids = orders.ToArray();
        Assert.Equal(orders.Count, await flow.ScalarAsync<long>("kitchen", "SELECT count(*) FROM tickets WHERE order_id = ANY(@o) AND state = 'AWAITING_ACCEPTANCE'",
            ("o", ids)));
        Assert.Equal(orders.Count, await flow.ScalarAsync<long>("accounting",
            "SELECT count(*) FROM authorizations WHERE order_id = ANY(@o) AND state = 'AUTHORIZED'", ("o", ids)));
    }

    /// <summary>The outbox of a service's database, and nothing else: what a test needs to send as that service does.</summary>
    private sealed class OutboxOnlyDbContext(string connectionString) : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseNpgsql(connectionString);

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
    }
}
