using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// ftgo.kitchen.v1.KitchenService over a real HTTP/2 connection to the Kitchen process, with the
/// generated .NET client: unary, client streaming (UploadMenu) and bidirectional streaming (TicketBoard).
/// </summary>
[Collection(KitchenProcessCollection.Name)]
public sealed class KitchenGrpcTests(KitchenProcessFixture kitchen) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(kitchen.GrpcUrl);
    private KitchenService.KitchenServiceClient Client => new(channel);

    public void Dispose() => channel.Dispose();

    [Fact]
    public async Task GetRestaurant_and_GetTicket_answer_and_unknown_ids_are_NOT_FOUND()
    {
        var restaurant = await Client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = kitchen.RestaurantId }, deadline: Soon());
        Assert.Equal("Ajanta", restaurant.Name);
        Assert.Equal(["12.34", "3.50"], restaurant.MenuItems.Select(i => i.Price.Amount));

        var ticketId = await kitchen.ConfirmedTicketAsync();
        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, deadline: Soon());
        Assert.Equal("AWAITING_ACCEPTANCE", ticket.State);
        Assert.Equal(2, Assert.Single(ticket.LineItems).Quantity);

        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetTicketAsync(new GetTicketRequest { TicketId = -1 }, deadline: Soon()))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = -1 }, deadline: Soon()))).StatusCode);
    }

    [Fact]
    public async Task UploadMenu_streams_a_large_menu_item_by_item_and_stores_it_with_one_event()
    {
        var restaurantId = await kitchen.CreateRestaurantAsync();
        const int items = 2_000;

        using var call = Client.UploadMenu(RestaurantHeader(restaurantId), Soon());
        for (var i = 1; i <= items; i++)
        {
            await call.RequestStream.WriteAsync(Item($"{i}", $"Dish {i}", $"{i % 50 + 1}.25"));
        }
        await call.RequestStream.CompleteAsync();
        var menu = await call;

        Assert.Equal(restaurantId, menu.RestaurantId);
        Assert.Equal(items, menu.MenuItems.Count);
        Assert.Equal(1L, await kitchen.CountAsync(
            $"SELECT count(*) FROM outbox WHERE message_type = 'RestaurantMenuRevised' AND message_key = '{restaurantId}'"));
        var stored = await Client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = restaurantId }, deadline: Soon());
        Assert.Equal(items, stored.MenuItems.Count);
    }

    [Theory]
    [InlineData("duplicate id", StatusCode.InvalidArgument)]
    [InlineData("bad price", StatusCode.InvalidArgument)]
    [InlineData("empty", StatusCode.InvalidArgument)]
    [InlineData("no restaurant header", StatusCode.InvalidArgument)]
    [InlineData("unknown restaurant", StatusCode.NotFound)]
    public async Task UploadMenu_refuses_a_bad_menu_as_a_whole_and_changes_nothing(string problem, StatusCode expected)
    {
        var restaurantId = await kitchen.CreateRestaurantAsync();
        var headers = problem switch
        {
            "no restaurant header" => new Metadata(),
            "unknown restaurant" => RestaurantHeader(-5),
            _ => RestaurantHeader(restaurantId),
        };
        MenuItem[] menu = problem switch
        {
            "duplicate id" => [Item("1", "A", "1.00"), Item("2", "B", "2.00"), Item("1", "C", "3.00")],
            "bad price" => [Item("1", "A", "1.00"), Item("2", "B", "2.001")],
            "empty" => [],
            _ => [Item("1", "A", "1.00")],
        };

        using var call = Client.UploadMenu(headers, Soon());
        // The service may refuse before it reads the stream (no restaurant header): then the call ends while the
        // client is still writing, and the write fails, with the status or, if it lost the race, with Cancelled.
        // The response always carries the service's status, so that is what the test reads.
        try
        {
            foreach (var item in menu)
            {
                await call.RequestStream.WriteAsync(item);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
        }
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(0L, await kitchen.CountAsync($"SELECT count(*) FROM outbox WHERE message_type = 'RestaurantMenuRevised' AND message_key = '{restaurantId}'"));
        var stored = await Client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = restaurantId }, deadline: Soon());
        Assert.Equal(["Chicken Vindaloo", "Garlic Naan"], stored.MenuItems.Select(i => i.Name));
    }

    [Fact]
    public async Task TicketBoard_shows_open_tickets_pushes_new_and_changed_ones_and_answers_each_command_on_the_same_stream()
    {
        var restaurantId = await kitchen.CreateRestaurantAsync();
        var waiting = await kitchen.ConfirmedTicketAsync(restaurantId);
        var elsewhere = await kitchen.ConfirmedTicketAsync(); // another restaurant's
        using var board = Client.TicketBoard(deadline: Soon());
        var events = new BoardReader(board.ResponseStream);

        await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "open", Open = new OpenTicketBoard { RestaurantId = restaurantId } });
        Assert.Equal("AWAITING_ACCEPTANCE", (await events.TicketAsync(waiting)).State); // the open tickets first

        // Messaging style: a ticket that reaches the kitchen while the board is open is pushed.
        var arriving = await kitchen.ConfirmedTicketAsync(restaurantId);
        Assert.Equal("AWAITING_ACCEPTANCE", (await events.TicketAsync(arriving)).State);

        // Request/response style: each command answered with its outcome, on the same stream.
        await board.RequestStream.WriteAsync(new TicketBoardCommand
        {
            CommandId = "c1",
            Accept = new AcceptTicket { TicketId = arriving, ReadyBy = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(20)) },
        });
        var accepted = await events.OutcomeAsync("c1");
        Assert.Equal((int)StatusCode.OK, accepted.Code);
        Assert.Equal("ACCEPTED", accepted.Ticket.State);

        await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "c2", MarkReadyForPickup = new MarkTicketReadyForPickup { TicketId = arriving } });
        var refused = await events.OutcomeAsync("c2");
        Assert.Equal((int)StatusCode.FailedPrecondition, refused.Code);
        Assert.Contains("PREPARING", refused.Message);

        await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "c3", StartPreparing = new StartPreparingTicket { TicketId = elsewhere } });
        Assert.Equal((int)StatusCode.NotFound, (await events.OutcomeAsync("c3")).Code);

        // A change made elsewhere (REST) reaches the board too, and the stream is still open after the refusals.
        using var http = new HttpClient();
        (await http.PostAsync($"{kitchen.RestUrl}/v1/tickets/{arriving}/preparing", null)).EnsureSuccessStatusCode();
        await events.TicketAsync(arriving, "PREPARING");
        await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "c4", MarkReadyForPickup = new MarkTicketReadyForPickup { TicketId = arriving } });
        Assert.Equal("READY_FOR_PICKUP", (await events.OutcomeAsync("c4")).Ticket.State);

        await board.RequestStream.CompleteAsync();
        await events.EndAsync();
        Assert.Equal(StatusCode.OK, board.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_TicketBoard_must_be_opened_first_and_for_a_known_restaurant()
    {
        using (var board = Client.TicketBoard(deadline: Soon()))
        {
            await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "x", StartPreparing = new StartPreparingTicket { TicketId = 1 } });
            var error = await Assert.ThrowsAsync<RpcException>(() => board.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }
        using (var board = Client.TicketBoard(deadline: Soon()))
        {
            await board.RequestStream.WriteAsync(new TicketBoardCommand { CommandId = "open", Open = new OpenTicketBoard { RestaurantId = -1 } });
            var error = await Assert.ThrowsAsync<RpcException>(() => board.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
        }
    }

    private static DateTime Soon() => DateTime.UtcNow + Deadline;

    private static Metadata RestaurantHeader(long restaurantId) => new() { { "restaurant-id", restaurantId.ToString() } };

    private static MenuItem Item(string id, string name, string price) => new() { MenuItemId = id, Name = name, Price = new ProtoMoney { Amount = price } };

    /// <summary>Reads a board's events in order, skipping what a step does not wait for (with the call's deadline as the bound).</summary>
    private sealed class BoardReader(IAsyncStreamReader<TicketBoardEvent> stream)
    {
        public async Task<GetTicketResponse> TicketAsync(long ticketId, string? state = null) =>
            (await NextAsync(e => e.Ticket?.TicketId == ticketId && (state is null || e.Ticket.State == state))).Ticket;

        public async Task<TicketCommandOutcome> OutcomeAsync(string commandId) => (await NextAsync(e => e.Outcome?.CommandId == commandId)).Outcome;

        public async Task EndAsync()
        {
            while (await stream.MoveNext())
            {
            }
        }

        private async Task<TicketBoardEvent> NextAsync(Func<TicketBoardEvent, bool> wanted)
        {
            while (await stream.MoveNext())
            {
                if (wanted(stream.Current))
                {
                    return stream.Current;
                }
            }
            throw new InvalidOperationException("The board ended before the expected event.");
        }
    }
}
