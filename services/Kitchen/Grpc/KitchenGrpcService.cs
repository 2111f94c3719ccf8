using System.Threading.Channels;
using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Kitchen.Application;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Kitchen.Persistence;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DomainMenuItem = FoodOrdering.Kitchen.Domain.MenuItem;
using ProtoMenuItem = FoodOrdering.Grpc.Contracts.Kitchen.V1.MenuItem;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Kitchen.Grpc;

/// <summary>
/// The Kitchen service's gRPC API (ftgo.kitchen.v1.KitchenService, generated from kitchen.proto), one rpc
/// per shape of call: unary GetRestaurant/GetTicket, client streaming UploadMenu, bidirectional streaming
/// TicketBoard. It throws domain exceptions; the service defaults' GrpcExceptionInterceptor turns them
/// into status codes (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION).
/// </summary>
public sealed class KitchenGrpcService(RestaurantService restaurants, TicketService tickets, TicketChangeFeed feed, IServiceScopeFactory scopes)
    : KitchenService.KitchenServiceBase
{
    /// <summary>The request metadata that names the restaurant of an UploadMenu stream.</summary>
    public const string RestaurantIdHeader = "restaurant-id";

    public override async Task<GetRestaurantResponse> GetRestaurant(GetRestaurantRequest request, ServerCallContext context)
    {
        var restaurant = await restaurants.GetAsync(request.RestaurantId, context.CancellationToken);
        return new GetRestaurantResponse { RestaurantId = restaurant.Id, Name = restaurant.Name, MenuItems = { restaurant.Menu.Select(ToProto) } };
    }

    public override async Task<GetTicketResponse> GetTicket(GetTicketRequest request, ServerCallContext context) =>
        ToProto(await tickets.GetAsync(request.TicketId, context.CancellationToken));

    /// <summary>Client streaming: collect the items, validate the menu as a whole, store it once (one RestaurantMenuRevised).</summary>
    public override async Task<Menu> UploadMenu(IAsyncStreamReader<ProtoMenuItem> requestStream, ServerCallContext context)
    {
        var restaurantId = long.TryParse(context.RequestHeaders.GetValue(RestaurantIdHeader), out var id)
            ? id
            : throw new InvalidInputException($"Name the restaurant in the request metadata '{RestaurantIdHeader}'.");
        var menu = new List<DomainMenuItem>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            if (menu.Count == Restaurant.MaxMenuItems)
            {
                throw new InvalidInputException($"A menu has at most {Restaurant.MaxMenuItems} items.");
            }
            var item = requestStream.Current;
            menu.Add(new DomainMenuItem(item.MenuItemId, item.Name, Money.TryParse(item.Price?.Amount, out var price)
                ? price
                : throw new InvalidInputException($"Menu item {menu.Count + 1} ('{item.MenuItemId}'): the price must be a decimal string with at most two fraction digits.")));
        }
        var restaurant = await restaurants.ReviseMenuAsync(restaurantId, menu, context.CancellationToken);
        return new Menu { RestaurantId = restaurant.Id, MenuItems = { restaurant.Menu.Select(ToProto) } };
    }

    /// <summary>
    /// Bidirectional streaming: a kitchen display. Two things flow at once on one call: the ticket changes
    /// of the restaurant (pushed as they are committed, from <see cref="TicketChangeFeed"/>) and the
    /// display's commands, each answered with its outcome. One writer task owns the response stream.
    /// </summary>
    public override async Task TicketBoard(IAsyncStreamReader<TicketBoardCommand> requestStream, IServerStreamWriter<TicketBoardEvent> responseStream,
        ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.CommandCase != TicketBoardCommand.CommandOneofCase.Open)
        {
            throw new InvalidInputException("The first message of a ticket board opens it: {\"open\": {\"restaurant_id\": ...}}.");
        }
        var restaurantId = requestStream.Current.Open.RestaurantId;
        await restaurants.GetAsync(restaurantId, cancellationToken); // NOT_FOUND for an unknown restaurant

        // Subscribe before reading the open tickets: a change in between is sent twice, never lost.
        using var subscription = feed.Subscribe();
        using var boardClosed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outgoing = Channel.CreateBounded<TicketBoardEvent>(256);
        var writer = WriteAllAsync(outgoing.Reader, responseStream);
        foreach (var ticket in await tickets.OpenTicketsAsync(restaurantId, cancellationToken))
        {
            await outgoing.Writer.WriteAsync(new TicketBoardEvent { Ticket = ToProto(ticket) }, cancellationToken);
        }
        var pushChanges = PushChangesAsync(restaurantId, subscription.Changes, outgoing.Writer, boardClosed.Token);
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                var outcome = await ExecuteAsync(restaurantId, requestStream.Current, cancellationToken);
                await outgoing.Writer.WriteAsync(new TicketBoardEvent { Outcome = outcome }, cancellationToken);
            }
        }
        finally
        {
            // The display closed its side (or left): stop pushing, send what is queued, end the call.
            await boardClosed.CancelAsync();
            await pushChanges;
            outgoing.Writer.TryComplete();
            await writer;
        }
    }

    private async Task<TicketCommandOutcome> ExecuteAsync(long restaurantId, TicketBoardCommand command, CancellationToken cancellationToken)
    {
        var outcome = new TicketCommandOutcome { CommandId = command.CommandId };
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var kitchen = scope.ServiceProvider.GetRequiredService<TicketService>();
            var ticketId = command.CommandCase switch
            {
                TicketBoardCommand.CommandOneofCase.Accept => command.Accept.TicketId,
                TicketBoardCommand.CommandOneofCase.StartPreparing => command.StartPreparing.TicketId,
                TicketBoardCommand.CommandOneofCase.MarkReadyForPickup => command.MarkReadyForPickup.TicketId,
                _ => throw new InvalidInputException($"A board takes accept, start_preparing or mark_ready_for_pickup, not {command.CommandCase}."),
            };
            if ((await kitchen.GetAsync(ticketId, cancellationToken)).RestaurantId != restaurantId)
            {
                throw new NotFoundException($"Ticket {ticketId} is not on the board of restaurant {restaurantId}.");
            }
            var ticket = command.CommandCase switch
            {
                TicketBoardCommand.CommandOneofCase.Accept => await kitchen.AcceptAsync(ticketId,
                    command.Accept.ReadyBy?.ToDateTimeOffset() ?? throw new InvalidInputException("accept needs ready_by."), cancellationToken),
                TicketBoardCommand.CommandOneofCase.StartPreparing => await kitchen.StartPreparingAsync(ticketId, cancellationToken),
                _ => await kitchen.MarkReadyForPickupAsync(ticketId, cancellationToken),
            };
            outcome.Code = (int)StatusCode.OK;
            outcome.Ticket = ToProto(ticket);
        }
        catch (Exception e) when (e is NotFoundException or InvalidInputException or DomainException)
        {
            // The same mapping as GrpcExceptionInterceptor's, as an outcome: one refused command does not end the board.
            outcome.Code = (int)(e switch
            {
                NotFoundException => StatusCode.NotFound,
                InvalidInputException => StatusCode.InvalidArgument,
                _ => StatusCode.FailedPrecondition,
            });
            outcome.Message = e.Message;
        }
        return outcome;
    }

    private async Task PushChangesAsync(long restaurantId, ChannelReader<TicketChange> changes, ChannelWriter<TicketBoardEvent> outgoing, CancellationToken closed)
    {
        try
        {
            await foreach (var change in changes.ReadAllAsync(closed))
            {
                if (change.RestaurantId != restaurantId)
                {
                    continue;
                }
                await using var scope = scopes.CreateAsyncScope();
                var ticket = await scope.ServiceProvider.GetRequiredService<TicketService>().GetAsync(change.TicketId, closed);
                if (ticket.ReachedKitchen)
                {
                    await outgoing.WriteAsync(new TicketBoardEvent { Ticket = ToProto(ticket) }, closed);
                }
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteAllAsync(ChannelReader<TicketBoardEvent> outgoing, IServerStreamWriter<TicketBoardEvent> responseStream)
    {
        await foreach (var boardEvent in outgoing.ReadAllAsync())
        {
            await responseStream.WriteAsync(boardEvent);
        }
    }

    private static ProtoMenuItem ToProto(DomainMenuItem item) =>
        new() { MenuItemId = item.Id, Name = item.Name, Price = new ProtoMoney { Amount = item.Price.ToString() } };

    private static GetTicketResponse ToProto(Ticket ticket)
    {
        var response = new GetTicketResponse
        {
            TicketId = ticket.Id,
            OrderId = ticket.OrderId,
            RestaurantId = ticket.RestaurantId,
            State = ticket.State.ToWireName(),
            LineItems = { ticket.LineItems.Select(l => new FoodOrdering.Grpc.Contracts.Kitchen.V1.TicketLineItem { MenuItemId = l.MenuItemId, Name = l.Name, Quantity = l.Quantity }) },
        };
        if (ticket.ReadyBy is { } readyBy)
        {
            response.ReadyBy = Timestamp.FromDateTimeOffset(readyBy);
        }
        return response;
    }
}
