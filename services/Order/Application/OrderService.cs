using FoodOrdering.Domain;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Order.Domain;
using FoodOrdering.Order.Messaging;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Order.Sagas;
using FoodOrdering.Order.Validation;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Application;

/// <summary>
/// The Order service's use cases (the book's OrderService). "Respond first, validate later": none of them
/// calls another service (unless the lab switch Order:Validation=Synchronous says so: <see cref="IOrderValidation"/>). Each changes the order and starts its saga in ONE local transaction (one
/// SaveChanges): the order, the saga instance and the saga's first command in the outbox commit together
/// or not at all, and the participants answer later, over messaging.
/// </summary>
public sealed class OrderService(
    OrderDbContext db,
    IOrderValidation validation,
    TransactionalOutbox outbox,
    SagaOrchestrator<CreateOrderSaga, CreateOrderSagaData> createOrderSaga,
    SagaOrchestrator<CancelOrderSaga, CancelOrderSagaData> cancelOrderSaga,
    SagaOrchestrator<ReviseOrderSaga, ReviseOrderSagaData> reviseOrderSaga)
{
    /// <summary>
    /// Places an order, priced from the menu replica: APPROVAL_PENDING, with CreateOrderSaga started. With an
    /// idempotency key, a retry returns the order the first attempt created (<c>Created</c> false).
    /// </summary>
    public async Task<(OrderAggregate Order, bool Created)> CreateAsync(long consumerId, long restaurantId, IReadOnlyList<RequestedLineItem> lineItems,
        DeliveryInformation delivery, IdempotencyRequest? idempotency, CancellationToken cancellationToken)
    {
        if (idempotency is not null && await FindByIdempotencyKeyAsync(idempotency, cancellationToken) is { } earlier)
        {
            return (earlier, false);
        }

        var restaurant = await db.Restaurants.FindAsync([restaurantId], cancellationToken)
            ?? throw new OrderNotPricedException($"There is no restaurant {restaurantId}.");
        var order = OrderAggregate.Create(consumerId, restaurantId, restaurant.Price(lineItems), delivery);
        // Nothing by default; with the lab switch Order:Validation=Synchronous, calls to the Consumer and Kitchen
        // services that must all answer before this one can (SynchronousOrderValidation).
        await validation.ValidateAsync(order, cancellationToken);
        await db.Orders.AddAsync(order, cancellationToken); // the id comes from the order_ids sequence (HiLo), before the INSERT
        if (idempotency is not null)
        {
            db.IdempotencyKeys.Add(new IdempotencyKey { Key = idempotency.Key, Fingerprint = idempotency.Fingerprint, OrderId = order.Id });
        }
        outbox.Publish(OrderMessages.Created(order), order.Id.ToString());
        await createOrderSaga.StartAsync(new CreateOrderSagaData
        {
            OrderId = order.Id,
            ConsumerId = order.ConsumerId,
            RestaurantId = order.RestaurantId,
            LineItems = OrderMessages.TicketLineItems(order.LineItems),
            OrderTotal = order.OrderTotal.ToString(),
        }, key: order.Id.ToString(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (idempotency is not null && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent POST with the same key won the race: answer with its order.
            db.ChangeTracker.Clear();
            return (await FindByIdempotencyKeyAsync(idempotency, cancellationToken) ?? throw new InvalidOperationException("Lost the order of an idempotency key."),
                false);
        }
        return (order, true);
    }

    /// <summary>
    /// Cancels an APPROVED order: CANCEL_PENDING, with CancelOrderSaga started. An order already
    /// CANCEL_PENDING or CANCELLED is returned as it is (cancelling twice is cancelling once). With
    /// <paramref name="expectedVersions"/> (REST If-Match), only an order still at one of them changes.
    /// </summary>
    public async Task<OrderAggregate> CancelAsync(long orderId, IReadOnlySet<int>? expectedVersions, CancellationToken cancellationToken)
    {
        var order = await FindAsync(orderId, cancellationToken);
        CheckVersion(order, expectedVersions);
        if (order.BeginCancel())
        {
            await cancelOrderSaga.StartAsync(new CancelOrderSagaData
            {
                OrderId = order.Id,
                ConsumerId = order.ConsumerId,
                OrderTotal = order.OrderTotal.ToString(),
            }, key: order.Id.ToString(), cancellationToken);
            await SaveAsync(order, expectedVersions, cancellationToken);
        }
        return order;
    }

    /// <summary>Revises an APPROVED order's line items: REVISION_PENDING, with ReviseOrderSaga started; the old order stands until it succeeds.</summary>
    public async Task<OrderAggregate> ReviseAsync(long orderId, IReadOnlyList<RequestedLineItem> revisedLineItems, IReadOnlySet<int>? expectedVersions,
        CancellationToken cancellationToken)
    {
        var order = await FindAsync(orderId, cancellationToken);
        CheckVersion(order, expectedVersions);
        var restaurant = await db.Restaurants.FindAsync([order.RestaurantId], cancellationToken)
            ?? throw new OrderNotPricedException($"There is no restaurant {order.RestaurantId}.");
        var revised = restaurant.Price(revisedLineItems);
        order.BeginRevise(revised);
        await reviseOrderSaga.StartAsync(new ReviseOrderSagaData
        {
            OrderId = order.Id,
            ConsumerId = order.ConsumerId,
            RevisedLineItems = OrderMessages.TicketLineItems(revised),
            NewOrderTotal = OrderAggregate.Total(revised).ToString(),
        }, key: order.Id.ToString(), cancellationToken);
        await SaveAsync(order, expectedVersions, cancellationToken);
        return order;
    }

    public async Task<OrderAggregate> FindAsync(long orderId, CancellationToken cancellationToken) =>
        await db.Orders.FindAsync([orderId], cancellationToken) ?? throw new NotFoundException($"There is no order {orderId}.");

    private async Task<OrderAggregate?> FindByIdempotencyKeyAsync(IdempotencyRequest idempotency, CancellationToken cancellationToken)
    {
        var key = await db.IdempotencyKeys.FindAsync([idempotency.Key], cancellationToken);
        if (key is null)
        {
            return null;
        }
        if (key.Fingerprint != idempotency.Fingerprint)
        {
            throw new IdempotencyKeyReusedException(idempotency.Key);
        }
        return await FindAsync(key.OrderId, cancellationToken);
    }

    // The client's precondition on what it read; a change between this check and the save is still caught
    // by optimistic concurrency (SaveAsync), and answered the same way (412).
    private static void CheckVersion(OrderAggregate order, IReadOnlySet<int>? expectedVersions)
    {
        if (expectedVersions is not null && !expectedVersions.Contains(order.Version))
        {
            throw new OrderVersionMismatchException(order.Id, order.Version);
        }
    }

    // Optimistic concurrency: the order row changed since it was read (a saga reply, another request). For a
    // request that named the version it decided on (If-Match), that is its precondition failing late: 412, as if
    // the change had come a moment earlier; without If-Match, a conflict (409).
    private async Task SaveAsync(OrderAggregate order, IReadOnlySet<int>? expectedVersions, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException) when (expectedVersions is not null)
        {
            db.ChangeTracker.Clear();
            var now = await db.Orders.AsNoTracking().Where(o => o.Id == order.Id).Select(o => (int?)o.Version).SingleOrDefaultAsync(cancellationToken);
            throw new OrderVersionMismatchException(order.Id, now ?? order.Version);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("The order was changed at the same time by something else; read it again and retry.");
        }
    }
}

/// <summary>An Idempotency-Key header and the fingerprint of the request body it came with.</summary>
public sealed record IdempotencyRequest(string Key, string Fingerprint);

/// <summary>The order is no longer at the version the request expected (REST 412, If-Match).</summary>
public sealed class OrderVersionMismatchException(long orderId, int version)
    : DomainException($"Order {orderId} is at version {version} now, not at the one the If-Match header names; read it again (its ETag) and decide again.");

/// <summary>The same Idempotency-Key with a different request (REST 422).</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : DomainException($"The Idempotency-Key '{key}' was already used for a different request.");
