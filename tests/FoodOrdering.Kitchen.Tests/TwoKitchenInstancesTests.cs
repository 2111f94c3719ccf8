using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// Two Kitchen processes on the sharded kitchen-service-commands channel, as `./ftgo up --kitchen-instances 2`
/// starts them (instance 0 consumes partitions 0, 2, 4, 6; instance 1 partitions 1, 3, 5, 7). One is stopped
/// (SIGTERM, a graceful stop) while both work through a backlog of commands, and started again: no order's
/// command is lost, handled twice or handled out of order, and the other instance's orders keep flowing
/// meanwhile. Every order's commands form a chain where any reordering is refused by the ticket's state
/// machine (a revision confirmed before it began, a second revision begun while one is pending), so
/// "every reply is a success" is itself the proof of order; the replies' positions say so too.
/// </summary>
public sealed class TwoKitchenInstancesTests(TwoKitchenInstances kitchens) : IClassFixture<TwoKitchenInstances>
{
    private const int Orders = 48;
    private const int Revisions = 4; // commands per order: create, confirm, then begin/confirm revise 4 times = 10
    private const string ReplyChannel = "two-instances-saga-replies";
    private TestSystem Started => kitchens.System;

    private long Ajanta => kitchens.RestaurantId;

    private string ConnectionString => Started.System.ConnectionString(Started.Service("kitchen").Definition);

    [Fact]
    public async Task A_ticket_board_on_one_instance_sees_a_change_made_through_the_other()
    {
        var orderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 100 + 99;
        await SendAsync([(orderId, new CreateTicket(orderId, Ajanta, [new("1", 1)]))], [], "board-saga-replies");
        await SendAsync([(orderId, new ConfirmCreateTicket(orderId))], [], "board-saga-replies");
        await Wait.UntilAsync(async _ => await ScalarAsync($"SELECT count(*) FROM tickets WHERE order_id = {orderId} AND state = 'AWAITING_ACCEPTANCE'") == 1,
            TimeSpan.FromSeconds(30), "the ticket to await acceptance", CancellationToken.None);
        var ticketId = await ScalarAsync($"SELECT id FROM tickets WHERE order_id = {orderId}");
        using var channel = GrpcChannel.ForAddress(Started.Instances("kitchen")[1].GrpcUrl);
        using var board = new KitchenService.KitchenServiceClient(channel).TicketBoard(deadline: DateTime.UtcNow.AddSeconds(30));
        await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "open", Open = new OpenTicketBoard { RestaurantId = Ajanta } });
        await NextTicketAsync(board.ResponseStream, ticketId, "AWAITING_ACCEPTANCE");

        using var http = new HttpClient();
        (await http.PostAsJsonAsync($"{Started.Instances("kitchen")[0].BaseUrl}/v1/tickets/{ticketId}/accept",
            new { readyBy = DateTimeOffset.UtcNow.AddMinutes(30) })).EnsureSuccessStatusCode();

        await NextTicketAsync(board.ResponseStream, ticketId, "ACCEPTED");
        await board.RequestStream.CompleteAsync();
    }

    private static async Task NextTicketAsync(IAsyncStreamReader<TicketBoardEvent> events, long ticketId, string state)
    {
        while (await events.MoveNext())
        {
            if (events.Current.Ticket is { } ticket && ticket.TicketId == ticketId && ticket.State == state)
            {
                return;
            }
        }
        Assert.Fail($"The board ended before ticket {ticketId} was {state}.");
    }

    [Fact]
    public async Task Stopping_one_instance_under_load_loses_no_command_and_keeps_every_orders_commands_in_order()
    {
        var baseOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 100;
        var orders = Enumerable.Range(1, Orders).Select(i => baseOrderId + i).ToList();
        var rounds = Enumerable.Range(0, 2 + 2 * Revisions).Select(round => orders.Select(orderId => (orderId, Command(round, orderId))).ToList()).ToList();
        var sent = new Dictionary<long, List<Guid>>(orders.Select(o => KeyValuePair.Create(o, new List<Guid>())));
        var stopped = Started.Instances("kitchen")[1];

        // The first half of the load: a backlog on every partition.
        foreach (var round in rounds.Take(rounds.Count / 2))
        {
            await SendAsync(round, sent);
        }
        // Stop instance 1 gracefully while it is in the middle of its backlog.
        await WaitForRepliesAsync(Orders);
        await stopped.Process.StopAsync(TimeSpan.FromSeconds(30));
        var repliesWhenStopped = await ReplyCountAsync();
        Assert.True(repliesWhenStopped < rounds.Count * Orders, "the backlog was already done: the stop happened under no load");

        // The second half of the load while it is down: instance 0's orders complete, instance 1's wait in their partitions.
        foreach (var round in rounds.Skip(rounds.Count / 2))
        {
            await SendAsync(round, sent);
        }
        await Wait.UntilAsync(async _ => (await CompleteOrdersAsync(rounds.Count)) > 0, TimeSpan.FromSeconds(60),
            "the running instance to complete its orders", CancellationToken.None);
        Assert.True(await CompleteOrdersAsync(rounds.Count) < Orders, "every order completed with one instance down: no order was on its partitions");

        // Started again with the same index, it takes its partitions back and drains them.
        await Started.System.RestartAsync(stopped, CancellationToken.None);
        await WaitForRepliesAsync(rounds.Count * Orders, TimeSpan.FromSeconds(120));

        foreach (var orderId in orders)
        {
            var replies = await RepliesAsync(orderId);
            // Exactly one reply per command, in the order the commands were sent, and each one a success.
            Assert.Equal(sent[orderId], replies.Select(r => r.CorrelationId));
            Assert.All(replies, r => Assert.True(r.Type is nameof(TicketCreated) or nameof(TicketCreationConfirmed) or nameof(TicketRevisionBegun)
                or nameof(TicketRevisionConfirmed), $"order {orderId}: {r.Type} {r.Payload}"));
        }
        Assert.Equal((long)Orders, await ScalarAsync($"SELECT count(*) FROM tickets WHERE state = 'AWAITING_ACCEPTANCE' AND line_items @> '[{{\"quantity\": {Revisions}}}]'"));
    }

    // create, confirm, then (begin revise to q, confirm revise to q) for q = 1..Revisions
    private object Command(int round, long orderId) => round switch
    {
        0 => new CreateTicket(orderId, Ajanta, [new("1", 10)]),
        1 => new ConfirmCreateTicket(orderId),
        _ when round % 2 == 0 => new BeginReviseTicket(orderId, [new("1", round / 2)]),
        _ => new ConfirmReviseTicket(orderId, [new("1", round / 2)]),
    };

    /// <summary>One transaction per round: the round's command for every order, written to the Kitchen's outbox like a saga writes to its own.</summary>
    private async Task SendAsync(List<(long OrderId, object Command)> round, Dictionary<long, List<Guid>> sent, string replyChannel = ReplyChannel)
    {
        await using var db = new KitchenDbContext(new DbContextOptionsBuilder<KitchenDbContext>().UseNpgsql(ConnectionString).Options);
        var outbox = new TransactionalOutbox(db);
        foreach (var (orderId, command) in round)
        {
            var correlationId = Guid.NewGuid();
            _ = command switch
            {
                CreateTicket c => outbox.Send(c, orderId.ToString(), replyChannel, correlationId),
                ConfirmCreateTicket c => outbox.Send(c, orderId.ToString(), replyChannel, correlationId),
                BeginReviseTicket c => outbox.Send(c, orderId.ToString(), replyChannel, correlationId),
                ConfirmReviseTicket c => outbox.Send(c, orderId.ToString(), replyChannel, correlationId),
                _ => throw new InvalidOperationException(),
            };
            if (sent.TryGetValue(orderId, out var ofOrder))
            {
                ofOrder.Add(correlationId);
            }
        }
        await db.SaveChangesAsync();
    }

    private Task WaitForRepliesAsync(int count, TimeSpan? timeout = null) =>
        Wait.UntilAsync(async _ => await ReplyCountAsync() >= count, timeout ?? TimeSpan.FromSeconds(60), $"{count} replies", CancellationToken.None);

    private Task<long> ReplyCountAsync() => ScalarAsync($"SELECT count(*) FROM outbox WHERE channel = '{ReplyChannel}'");

    private Task<long> CompleteOrdersAsync(int commandsPerOrder) => ScalarAsync(
        $"SELECT count(*) FROM (SELECT message_key FROM outbox WHERE channel = '{ReplyChannel}' GROUP BY message_key HAVING count(*) >= {commandsPerOrder}) complete");

    private async Task<List<(Guid CorrelationId, string Type, string Payload)>> RepliesAsync(long orderId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT correlation_id, message_type, payload FROM outbox WHERE channel = '{ReplyChannel}' AND message_key = '{orderId}' ORDER BY position", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var replies = new List<(Guid, string, string)>();
        while (await reader.ReadAsync())
        {
            replies.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        }
        return replies;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Two Kitchen processes, as `./ftgo up --kitchen-instances 2` starts them, and the Ajanta restaurant.</summary>
public sealed class TwoKitchenInstances : IAsyncLifetime
{
    public TestSystem System { get; private set; } = null!;
    public long RestaurantId { get; private set; }

    public async Task InitializeAsync()
    {
        System = await TestSystem.StartAsync(["kitchen"], instances: new Dictionary<string, int> { ["kitchen"] = 2 });
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync($"{System.Service("kitchen").BaseUrl}/v1/restaurants", KitchenServiceFactory.Ajanta);
        response.EnsureSuccessStatusCode();
        RestaurantId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["restaurantId"]!.GetValue<long>();
    }

    public async Task DisposeAsync() => await System.DisposeAsync();
}
