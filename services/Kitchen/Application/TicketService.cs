using FoodOrdering.Domain;
using FoodOrdering.Kitchen.Domain;
using FoodOrdering.Kitchen.Messaging;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Kitchen.Application;

/// <summary>
/// What the kitchen does to a ticket (accept, start preparing, ready for pickup, picked up), shared by
/// REST and the gRPC ticket board. Each is one local transaction: the ticket is locked, moved by its
/// state machine (an illegal move is a DomainException: 409 / FAILED_PRECONDITION), and its event goes
/// to the outbox with the change.
/// </summary>
public sealed class TicketService(KitchenDbContext db, TransactionalOutbox outbox, TimeProvider clock)
{
    public Task<Ticket> AcceptAsync(long ticketId, DateTimeOffset readyBy, CancellationToken cancellationToken) =>
        ChangeAsync(ticketId, ticket =>
        {
            ticket.Accept(readyBy, clock.GetUtcNow());
            outbox.Publish(KitchenEvents.Accepted(ticket), KitchenEvents.KeyOf(ticket));
        }, cancellationToken);

    public Task<Ticket> StartPreparingAsync(long ticketId, CancellationToken cancellationToken) =>
        ChangeAsync(ticketId, ticket =>
        {
            ticket.StartPreparing();
            outbox.Publish(KitchenEvents.PreparationStarted(ticket), KitchenEvents.KeyOf(ticket));
        }, cancellationToken);

    public Task<Ticket> MarkReadyForPickupAsync(long ticketId, CancellationToken cancellationToken) =>
        ChangeAsync(ticketId, ticket =>
        {
            ticket.MarkReadyForPickup();
            outbox.Publish(KitchenEvents.ReadyForPickup(ticket), KitchenEvents.KeyOf(ticket));
        }, cancellationToken);

    public Task<Ticket> MarkPickedUpAsync(long ticketId, CancellationToken cancellationToken) =>
        ChangeAsync(ticketId, ticket =>
        {
            ticket.MarkPickedUp();
            outbox.Publish(KitchenEvents.PickedUp(ticket), KitchenEvents.KeyOf(ticket));
        }, cancellationToken);

    public async Task<Ticket> GetAsync(long ticketId, CancellationToken cancellationToken) =>
        await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == ticketId, cancellationToken) ?? throw NotFound(ticketId);

    /// <summary>The tickets a kitchen display shows: those of the restaurant that reached the kitchen and are not done.</summary>
    public async Task<List<Ticket>> OpenTicketsAsync(long restaurantId, CancellationToken cancellationToken) =>
        await db.Tickets.AsNoTracking()
            .Where(t => t.RestaurantId == restaurantId && t.ReachedKitchen && t.State != TicketState.PickedUp && t.State != TicketState.Cancelled)
            .OrderBy(t => t.Id).ToListAsync(cancellationToken);

    private async Task<Ticket> ChangeAsync(long ticketId, Action<Ticket> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ticket = await db.LockTicketAsync(ticketId, cancellationToken) ?? throw NotFound(ticketId);
        change(ticket);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ticket;
    }

    private static NotFoundException NotFound(long ticketId) => new($"There is no ticket {ticketId}.");
}
