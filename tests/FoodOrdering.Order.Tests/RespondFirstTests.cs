using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FoodOrdering.Contracts;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// "Respond first, validate later": POST /v1/orders needs no other service. The order, its saga instance
/// and the saga's first command commit in ONE local transaction, so there is never an order without its
/// command (nor a command without its order), and the command waits in RabbitMQ until a participant comes.
/// </summary>
public sealed class RespondFirstTests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    [Fact]
    public async Task With_no_participant_running_orders_are_accepted_and_their_first_commands_wait_in_the_queue()
    {
        var queue = service.ChannelPrefix + Channels.ConsumerServiceCommands;
        var waitingBefore = await service.Probe.MessageCountAsync(queue) ?? 0;
        var clock = Stopwatch.StartNew();

        var orders = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            orders.Add(await service.PlaceOrderAsync(consumerId: 40 + i)); // asserts 201
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"5 POSTs took {clock.Elapsed}");
        await service.WaitUntilOutboxSentAsync();
        // Nobody consumes consumer-service-commands: each order's ValidateOrderByConsumer waits there.
        Assert.Equal(waitingBefore + 5, await service.Probe.MessageCountAsync(queue));
        foreach (var orderId in orders)
        {
            Assert.Equal("APPROVAL_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
            Assert.Equal("Running", await service.Database.ScalarAsync<string>($"SELECT status FROM saga_instances WHERE saga_key = '{orderId}'"));
        }
    }

    [Fact]
    public async Task An_order_is_saved_with_its_saga_and_first_command_or_not_at_all()
    {
        // The outbox refuses ValidateOrderByConsumer for consumer 666 (a trigger): the whole POST must roll back.
        await ExecuteAsync("""
            CREATE FUNCTION refuse_command() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the outbox refuses this command'; END $$;
            CREATE TRIGGER refuse_command BEFORE INSERT ON outbox FOR EACH ROW
                WHEN (NEW.message_type = 'ValidateOrderByConsumer' AND NEW.payload::jsonb ->> 'consumerId' = '666') EXECUTE FUNCTION refuse_command();
            """);
        try
        {
            var response = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(666, OrderServiceFactory.RestaurantId));

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(0, await service.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE consumer_id = 666"));
            Assert.Equal(0, await service.Database.ScalarAsync<long>("SELECT count(*) FROM saga_instances WHERE data ->> 'consumerId' = '666'"));
            Assert.Equal(0, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE payload::jsonb ->> 'consumerId' = '666'"));
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER refuse_command ON outbox; DROP FUNCTION refuse_command();");
        }
        // And when the command can be written, all of it is there: order, OrderCreated, saga, command.
        var orderId = await service.PlaceOrderAsync(consumerId: 666);
        Assert.Equal(1, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_key = '{orderId}'"));
        Assert.Equal(["OrderCreated", "ValidateOrderByConsumer"], await OutboxTypesAsync(orderId));
    }

    [Fact]
    public async Task Two_changes_to_one_order_read_at_the_same_version_cannot_both_be_saved()
    {
        var orderId = await service.ApprovedOrderAsync(service.Participants(), consumerId: 46);
        using var first = service.Services.CreateScope();
        using var second = service.Services.CreateScope();
        var firstDb = first.ServiceProvider.GetRequiredService<OrderDbContext>();
        var secondDb = second.ServiceProvider.GetRequiredService<OrderDbContext>();
        var one = await firstDb.Orders.SingleAsync(o => o.Id == orderId);
        var other = await secondDb.Orders.SingleAsync(o => o.Id == orderId);

        one.BeginCancel();
        other.BeginRevise([new OrderLineItem("1", "Chicken Vindaloo", 1, new FoodOrdering.Domain.Money(12.34m))]);
        await firstDb.SaveChangesAsync();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => secondDb.SaveChangesAsync());
        Assert.Equal("CANCEL_PENDING", await service.Database.ScalarAsync<string>($"SELECT state FROM orders WHERE id = {orderId}"));
    }

    [Fact]
    public async Task A_request_that_loses_the_race_for_an_order_is_answered_409()
    {
        var orderId = await service.ApprovedOrderAsync(service.Participants(), consumerId: 47);
        using var scope = service.Services.CreateScope();
        var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
        var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
        await db.Orders.SingleAsync(o => o.Id == orderId); // read at this version...
        await ExecuteAsync($"UPDATE orders SET version = version + 1 WHERE id = {orderId}"); // ...then someone else saves

        var refused = await Assert.ThrowsAsync<FoodOrdering.Domain.DomainException>(() => orders.CancelAsync(orderId, null, CancellationToken.None));

        Assert.Contains("changed at the same time", refused.Message);
        Assert.Equal(0, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_type = 'cancel-order' AND saga_key = '{orderId}'"));
    }

    private async Task<List<string>> OutboxTypesAsync(long orderId)
    {
        var types = await service.Database.ScalarAsync<string>(
            $"SELECT string_agg(message_type, ',' ORDER BY position) FROM outbox WHERE message_key = '{orderId}'");
        return [.. types!.Split(',')];
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
