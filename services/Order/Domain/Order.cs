using FoodOrdering.Domain;

namespace FoodOrdering.Order.Domain;

/// <summary>
/// The Order aggregate and its state machine (see <see cref="OrderState"/>). Every transition is a method;
/// one the current state does not allow throws a <see cref="DomainException"/> (REST 409, gRPC
/// FAILED_PRECONDITION), except a repeat of a cancel that already holds, which changes nothing (the
/// chapter's example of an idempotent operation). The sagas in Sagas/ drive the *_PENDING states to their
/// outcome. <see cref="Version"/> grows with every change: the row is saved only if nobody saved another
/// version in between (optimistic concurrency), so a REST request and a saga reply can never both win.
/// </summary>
public sealed class Order
{
    // For EF Core.
    private Order()
    {
        LineItems = [];
        Delivery = null!;
        StateHistory = [];
    }

    private Order(long consumerId, long restaurantId, IReadOnlyList<OrderLineItem> lineItems, DeliveryInformation delivery)
    {
        ConsumerId = consumerId;
        RestaurantId = restaurantId;
        LineItems = lineItems;
        Delivery = delivery;
        State = OrderState.ApprovalPending;
        StateHistory = [new OrderStateChange(State, DateTimeOffset.UtcNow)];
    }

    public long Id { get; private set; }
    public long ConsumerId { get; private set; }
    public long RestaurantId { get; private set; }
    public OrderState State { get; private set; }
    public IReadOnlyList<OrderLineItem> LineItems { get; private set; }
    public DeliveryInformation Delivery { get; private set; }

    /// <summary>Why CreateOrderSaga rejected the order (REJECTED only).</summary>
    public string? RejectionReason { get; private set; }

    /// <summary>The line items a pending revision proposes (REVISION_PENDING only).</summary>
    public IReadOnlyList<OrderLineItem>? PendingRevision { get; private set; }

    /// <summary>Why the last cancel or revise was refused (the order went back to APPROVED unchanged).</summary>
    public string? RefusalReason { get; private set; }

    /// <summary>Every state the order has been in, oldest first, with when it entered it (saved with the order, in the same transaction).</summary>
    public IReadOnlyList<OrderStateChange> StateHistory { get; private set; }

    /// <summary>The Kitchen ticket of this order, known once CreateOrderSaga approved it.</summary>
    public long? TicketId { get; private set; }

    /// <summary>The row's version, for optimistic concurrency.</summary>
    public int Version { get; private set; }

    public Money OrderTotal => Total(LineItems);

    public bool CanCancel => State == OrderState.Approved;
    public bool CanRevise => State == OrderState.Approved;

    /// <summary>Places an order: APPROVAL_PENDING until CreateOrderSaga approves or rejects it.</summary>
    public static Order Create(long consumerId, long restaurantId, IReadOnlyList<OrderLineItem> lineItems, DeliveryInformation delivery)
    {
        CheckLineItems(lineItems);
        return new Order(consumerId, restaurantId, lineItems, delivery);
    }

    public static Money Total(IEnumerable<OrderLineItem> lineItems) => lineItems.Aggregate(Money.Zero, (sum, item) => sum + item.Total);

    /// <summary>APPROVAL_PENDING -> APPROVED (CreateOrderSaga's last step), with the ticket the kitchen created for it.</summary>
    public void Approve(long? ticketId = null)
    {
        Require(OrderState.ApprovalPending, "approve");
        TicketId = ticketId;
        MoveTo(OrderState.Approved);
    }

    /// <summary>APPROVAL_PENDING -> REJECTED, with the reason (CreateOrderSaga's compensation).</summary>
    public void Reject(string reason)
    {
        Require(OrderState.ApprovalPending, "reject");
        RejectionReason = reason;
        MoveTo(OrderState.Rejected);
    }

    /// <summary>
    /// APPROVED -> CANCEL_PENDING; returns true when a cancellation starts. An order that is already
    /// CANCEL_PENDING or CANCELLED stays as it is and false is returned: cancelling twice is cancelling once.
    /// </summary>
    public bool BeginCancel()
    {
        if (State is OrderState.CancelPending or OrderState.Cancelled)
        {
            return false;
        }
        Require(OrderState.Approved, "cancel");
        RefusalReason = null;
        MoveTo(OrderState.CancelPending);
        return true;
    }

    /// <summary>CANCEL_PENDING -> CANCELLED (CancelOrderSaga succeeded).</summary>
    public void ConfirmCancel()
    {
        Require(OrderState.CancelPending, "confirm the cancellation of");
        MoveTo(OrderState.Cancelled);
    }

    /// <summary>CANCEL_PENDING -> APPROVED: the cancellation was refused (e.g. the kitchen is already preparing the food).</summary>
    public void UndoCancel(string reason)
    {
        Require(OrderState.CancelPending, "undo the cancellation of");
        RefusalReason = reason;
        MoveTo(OrderState.Approved);
    }

    /// <summary>APPROVED -> REVISION_PENDING with the revised line items, which apply only when ReviseOrderSaga confirms them.</summary>
    public void BeginRevise(IReadOnlyList<OrderLineItem> revisedLineItems)
    {
        CheckLineItems(revisedLineItems);
        Require(OrderState.Approved, "revise");
        PendingRevision = revisedLineItems;
        RefusalReason = null;
        MoveTo(OrderState.RevisionPending);
    }

    /// <summary>REVISION_PENDING -> APPROVED with the revised line items (and so the new total).</summary>
    public void ConfirmRevise()
    {
        Require(OrderState.RevisionPending, "confirm the revision of");
        LineItems = PendingRevision!;
        PendingRevision = null;
        MoveTo(OrderState.Approved);
    }

    /// <summary>REVISION_PENDING -> APPROVED unchanged: the revision was refused.</summary>
    public void UndoRevise(string reason)
    {
        Require(OrderState.RevisionPending, "undo the revision of");
        PendingRevision = null;
        RefusalReason = reason;
        MoveTo(OrderState.Approved);
    }

    private void Require(OrderState expected, string action)
    {
        if (State != expected)
        {
            throw new IllegalOrderTransitionException(Id, State, action);
        }
    }

    private void MoveTo(OrderState state)
    {
        State = state;
        StateHistory = [.. StateHistory, new OrderStateChange(state, DateTimeOffset.UtcNow)];
        Version++;
    }

    private static void CheckLineItems(IReadOnlyList<OrderLineItem> lineItems)
    {
        if (lineItems.Count == 0)
        {
            throw new InvalidInputException("An order needs at least one line item.");
        }
        if (lineItems.FirstOrDefault(i => i.Quantity <= 0) is { } bad)
        {
            throw new InvalidInputException($"The quantity of menu item '{bad.MenuItemId}' must be at least 1.");
        }
    }
}

/// <summary>The order entered <paramref name="State"/> at <paramref name="At"/>.</summary>
public sealed record OrderStateChange(OrderState State, DateTimeOffset At);

/// <summary>The order's state does not allow what was asked (REST 409).</summary>
public sealed class IllegalOrderTransitionException(long orderId, OrderState state, string action)
    : DomainException($"Cannot {action} order {orderId}: it is {state.Name()}.")
{
    public OrderState State { get; } = state;
}
