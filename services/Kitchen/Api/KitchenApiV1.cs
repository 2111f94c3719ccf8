using FoodOrdering.Domain;
using FoodOrdering.Kitchen.Application;
using FoodOrdering.Kitchen.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FoodOrdering.Kitchen.Api;

/// <summary>
/// REST v1 of the Kitchen service (Richardson level 2): restaurants with their menus, and the kitchen's
/// actions on tickets. Errors are problem details from the service defaults: an unknown id 404
/// (NotFoundException), malformed input 400 (InvalidInputException), a move the ticket's state machine
/// does not allow 409 (DomainException).
/// </summary>
public static class KitchenApiV1
{
    public static IEndpointRouteBuilder MapKitchenApiV1(this IEndpointRouteBuilder app)
    {
        var restaurants = app.MapGroup("/v1/restaurants").WithTags("Restaurants v1");
        restaurants.MapPost("/", CreateRestaurant).WithName("CreateRestaurantV1").ProducesProblem(StatusCodes.Status400BadRequest);
        restaurants.MapGet("/{restaurantId:long}", GetRestaurant).WithName("GetRestaurantV1").ProducesProblem(StatusCodes.Status404NotFound);
        restaurants.MapPut("/{restaurantId:long}/menu", ReviseMenu).WithName("ReviseMenuV1")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        var tickets = app.MapGroup("/v1/tickets").WithTags("Tickets v1")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tickets.MapGet("/{ticketId:long}", GetTicket).WithName("GetTicketV1");
        tickets.MapPost("/{ticketId:long}/accept", AcceptTicket).WithName("AcceptTicketV1").ProducesProblem(StatusCodes.Status400BadRequest);
        tickets.MapPost("/{ticketId:long}/preparing", (long ticketId, TicketService kitchen, CancellationToken ct) => Run(kitchen.StartPreparingAsync(ticketId, ct)))
            .WithName("StartPreparingTicketV1");
        tickets.MapPost("/{ticketId:long}/ready-for-pickup", (long ticketId, TicketService kitchen, CancellationToken ct) => Run(kitchen.MarkReadyForPickupAsync(ticketId, ct)))
            .WithName("MarkTicketReadyForPickupV1");
        tickets.MapPost("/{ticketId:long}/picked-up", (long ticketId, TicketService kitchen, CancellationToken ct) => Run(kitchen.MarkPickedUpAsync(ticketId, ct)))
            .WithName("MarkTicketPickedUpV1");
        return app;
    }

    public static async Task<Created<RestaurantResponse>> CreateRestaurant(CreateRestaurantRequest request, RestaurantService restaurants,
        CancellationToken cancellationToken)
    {
        var restaurant = await restaurants.CreateAsync(request.Name ?? "", request.Address.ToDomain(), request.Menu.ToDomain(), cancellationToken);
        return TypedResults.Created($"/v1/restaurants/{restaurant.Id}", RestaurantResponse.Of(restaurant));
    }

    public static async Task<Ok<RestaurantResponse>> GetRestaurant(long restaurantId, RestaurantService restaurants, CancellationToken cancellationToken) =>
        TypedResults.Ok(RestaurantResponse.Of(await restaurants.GetAsync(restaurantId, cancellationToken)));

    public static async Task<Ok<RestaurantResponse>> ReviseMenu(long restaurantId, MenuDto menu, RestaurantService restaurants,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(RestaurantResponse.Of(await restaurants.ReviseMenuAsync(restaurantId, menu.ToDomain(), cancellationToken)));

    public static async Task<Ok<TicketResponse>> GetTicket(long ticketId, TicketService kitchen, CancellationToken cancellationToken) =>
        TypedResults.Ok(TicketResponse.Of(await kitchen.GetAsync(ticketId, cancellationToken)));

    public static Task<Ok<TicketResponse>> AcceptTicket(long ticketId, AcceptTicketRequest request, TicketService kitchen, CancellationToken cancellationToken) =>
        Run(kitchen.AcceptAsync(ticketId, request.ReadyBy ?? throw new InvalidInputException("readyBy is required (an ISO 8601 time in the future)."),
            cancellationToken));

    private static async Task<Ok<TicketResponse>> Run(Task<Ticket> change) => TypedResults.Ok(TicketResponse.Of(await change));
}

/// <summary>POST /v1/restaurants body. Unknown fields are ignored (robustness principle).</summary>
public sealed record CreateRestaurantRequest(string? Name, AddressDto? Address, MenuDto? Menu);

public sealed record AddressDto(string? Street1, string? Street2, string? City, string? State, string? Zip)
{
    public static AddressDto Of(Address a) => new(a.Street1, a.Street2, a.City, a.State, a.Zip);
}

/// <summary>A menu: <c>{"menuItems":[{"id":"1","name":"Chicken Vindaloo","price":"12.34"}]}</c>.</summary>
public sealed record MenuDto(IReadOnlyList<MenuItemDto>? MenuItems)
{
    public static MenuDto Of(IEnumerable<MenuItem> menu) => new([.. menu.Select(i => new MenuItemDto(i.Id, i.Name, i.Price.ToString()))]);
}

/// <summary>The price is money as a decimal string ("12.34"), never a JSON number that a parser could round.</summary>
public sealed record MenuItemDto(string? Id, string? Name, string? Price);

public sealed record AcceptTicketRequest(DateTimeOffset? ReadyBy);

public sealed record RestaurantResponse(long RestaurantId, string Name, AddressDto Address, MenuDto Menu)
{
    public static RestaurantResponse Of(Restaurant r) => new(r.Id, r.Name, AddressDto.Of(r.Address), MenuDto.Of(r.Menu));
}

public sealed record TicketLineItemDto(string MenuItemId, string Name, int Quantity);

public sealed record TicketResponse(long TicketId, long OrderId, long RestaurantId, string State, IReadOnlyList<TicketLineItemDto> LineItems,
    DateTimeOffset? ReadyBy)
{
    public static TicketResponse Of(Ticket t) =>
        new(t.Id, t.OrderId, t.RestaurantId, t.State.ToWireName(), [.. t.LineItems.Select(l => new TicketLineItemDto(l.MenuItemId, l.Name, l.Quantity))], t.ReadyBy);
}

/// <summary>From the wire to the domain: a missing or malformed field is a 400 naming it.</summary>
public static class KitchenApiMapping
{
    public static Address ToDomain(this AddressDto? address) =>
        address is { Street1: { Length: > 0 } street1, City: { Length: > 0 } city, State: { Length: > 0 } state, Zip: { Length: > 0 } zip }
            ? new Address(street1, address.Street2, city, state, zip)
            : throw new InvalidInputException("address needs street1, city, state and zip.");

    public static IReadOnlyList<MenuItem> ToDomain(this MenuDto? menu) =>
        [.. (menu?.MenuItems ?? throw new InvalidInputException("menu.menuItems is required.")).Select((item, index) =>
            new MenuItem(item.Id ?? "", item.Name ?? "", Money.TryParse(item.Price, out var price)
                ? price
                : throw new InvalidInputException($"menu.menuItems[{index}].price must be a decimal string with at most two fraction digits, e.g. \"12.34\".")))];
}
