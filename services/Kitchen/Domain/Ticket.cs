using FoodOrdering.Domain;

namespace FoodOrdering.Kitchen.Domain;

/// <summary>
/// The Ticket aggregate: the kitchen's view of an order, and its state machine (the book's figure 4.x,
/// all of it working):
/// <code>
/// CREATE_PENDING -> AWAITING_ACCEPTANCE -> ACCEPTED -> PREPARING -> READY_FOR_PICKUP -> PICKED_UP
///   |  (ConfirmCreate)      (Accept)      (Preparing)  (ReadyForPickup)   (PickedUp)
///   +-> CANCELLED (CancelCreate: the order was rejected)
/// AWAITING_ACCEPTANCE | ACCEPTED -> CANCEL_PENDING   -> CANCELLED (ConfirmCancel) | back (UndoBeginCancel)
/// AWAITING_ACCEPTANCE | ACCEPTED -> REVISION_PENDING -> back with the revised items (ConfirmRevise) | back (UndoBeginRevise)
/// </code>
/// The saga-facing methods are idempotent by state: a command whose effect already holds returns false
/// and changes nothing (the caller replies success again and emits nothing new). A transition the state
/// does not allow throws <see cref="TicketCommandRefusedException"/> (a <see cref="DomainException"/>:
/// 409 over REST, FAILED_PRECONDITION over gRPC, TicketCommandRejected as a reply) and changes nothing.
/// One ticket per order: the order id is the ticket's business key.
/// </summary>
public sealed class Ticket
{
    /// <summary>The most of one dish a ticket may ask for.</summary>
    public const int MaxQuantity = 100;

    // For EF Core.
    private Ticket() => LineItems = [];

    private Ticket(long orderId, long restaurantId, TicketState state, List<TicketLineItem> lineItems)
    {
        OrderId = orderId;
        RestaurantId = restaurantId;
        State = state;
        LineItems = lineItems;
    }

    public long Id { get; private set; }
    public long OrderId { get; private set; }
    public long RestaurantId { get; private set; }
    public TicketState State { get; private set; }

    /// <summary>The state a pending cancellation or revision returns to when it is undone (or, for a revision, confirmed).</summary>
    public TicketState? PreviousState { get; private set; }

    public List<TicketLineItem> LineItems { get; private set; }

    /// <summary>The line items of a pending revision (REVISION_PENDING).</summary>
    public List<TicketLineItem>? RevisedLineItems { get; private set; }

    /// <summary>When the kitchen promised the food (set on accept).</summary>
    public DateTimeOffset? ReadyBy { get; private set; }

    /// <summary>
    /// The order was approved and the ticket reached the kitchen (ConfirmCreate). A ticket cancelled
    /// before that (the order was rejected) never did: the kitchen display never shows it.
    /// </summary>
    public bool ReachedKitchen { get; private set; }

    /// <summary>
    /// CreateTicket: a ticket for the dishes of <paramref name="order"/>, all on the restaurant's menu.
    /// Throws <see cref="TicketCommandRefusedException"/> for an unknown dish or a bad quantity.
    /// </summary>
    public static Ticket Create(long orderId, Restaurant restaurant, IReadOnlyList<(string MenuItemId, int Quantity)> order)
    {
        const string command = "CreateTicket";
        if (order.Count == 0)
        {
            throw new TicketCommandRefusedException(command, null, "A ticket needs at least one line item.");
        }
        var lineItems = new List<TicketLineItem>();
        foreach (var (menuItemId, quantity) in order)
        {
            var menuItem = restaurant.FindMenuItem(menuItemId)
                ?? throw new TicketCommandRefusedException(command, null, $"Restaurant {restaurant.Id} has no menu item '{menuItemId}'.");
            lineItems.Add(new TicketLineItem(menuItem.Id, menuItem.Name, ValidQuantity(command, null, menuItemId, quantity)));
        }
        return new Ticket(orderId, restaurant.Id, TicketState.CreatePending, lineItems);
    }

    /// <summary>
    /// CancelCreateTicket for an order the kitchen has no ticket of yet (the compensation overtook the
    /// creation, or the creation failed): a cancelled ticket is recorded, so that a CreateTicket arriving
    /// later finds it and cannot create the ticket (the chapter's "a late create must not resurrect it").
    /// </summary>
    public static Ticket RecordCancelledBeforeCreation(long orderId, long restaurantId) =>
        new(orderId, restaurantId, TicketState.Cancelled, []);

    /// <summary>Whether the order's ticket was cancelled (a late CreateTicket must then fail).</summary>
    public bool IsCancelled => State == TicketState.Cancelled;

    /// <summary>ConfirmCreateTicket: CREATE_PENDING -> AWAITING_ACCEPTANCE.</summary>
    public bool ConfirmCreate()
    {
        if (State == TicketState.CreatePending)
        {
            State = TicketState.AwaitingAcceptance;
            ReachedKitchen = true;
            return true;
        }
        return ReachedKitchen && State != TicketState.Cancelled
            ? false
            : throw Refused("ConfirmCreateTicket", State == TicketState.Cancelled ? "The ticket was cancelled." : null);
    }

    /// <summary>CancelCreateTicket (the compensation of CreateTicket): CREATE_PENDING -> CANCELLED.</summary>
    public bool CancelCreate()
    {
        if (State == TicketState.CreatePending)
        {
            State = TicketState.Cancelled;
            return true;
        }
        return State == TicketState.Cancelled && !ReachedKitchen
            ? false
            : throw Refused("CancelCreateTicket", "The order was already approved: its ticket reached the kitchen.");
    }

    /// <summary>The kitchen accepts the ticket and promises it by <paramref name="readyBy"/>: AWAITING_ACCEPTANCE -> ACCEPTED.</summary>
    public void Accept(DateTimeOffset readyBy, DateTimeOffset now)
    {
        if (readyBy <= now)
        {
            throw new InvalidInputException($"readyBy must be in the future (it is {readyBy:O}, now is {now:O}).");
        }
        Move("Accept", TicketState.AwaitingAcceptance, TicketState.Accepted);
        ReadyBy = readyBy;
    }

    /// <summary>ACCEPTED -> PREPARING.</summary>
    public void StartPreparing() => Move("Preparing", TicketState.Accepted, TicketState.Preparing);

    /// <summary>PREPARING -> READY_FOR_PICKUP.</summary>
    public void MarkReadyForPickup() => Move("ReadyForPickup", TicketState.Preparing, TicketState.ReadyForPickup);

    /// <summary>READY_FOR_PICKUP -> PICKED_UP.</summary>
    public void MarkPickedUp() => Move("PickedUp", TicketState.ReadyForPickup, TicketState.PickedUp);

    /// <summary>BeginCancelTicket: AWAITING_ACCEPTANCE | ACCEPTED -> CANCEL_PENDING (too late once the kitchen is preparing).</summary>
    public bool BeginCancel()
    {
        if (State is TicketState.AwaitingAcceptance or TicketState.Accepted)
        {
            PreviousState = State;
            State = TicketState.CancelPending;
            return true;
        }
        return State == TicketState.CancelPending ? false : throw Refused("BeginCancelTicket", CannotChangeReason());
    }

    /// <summary>ConfirmCancelTicket: CANCEL_PENDING -> CANCELLED.</summary>
    public bool ConfirmCancel()
    {
        if (State == TicketState.CancelPending)
        {
            State = TicketState.Cancelled;
            PreviousState = null;
            return true;
        }
        return State == TicketState.Cancelled && ReachedKitchen ? false : throw Refused("ConfirmCancelTicket", "No cancellation is pending.");
    }

    /// <summary>UndoBeginCancelTicket: CANCEL_PENDING -> the state before.</summary>
    public bool UndoBeginCancel()
    {
        if (State == TicketState.CancelPending)
        {
            State = PreviousState!.Value;
            PreviousState = null;
            return true;
        }
        return ReachedKitchen && State != TicketState.Cancelled
            ? false
            : throw Refused("UndoBeginCancelTicket", State == TicketState.Cancelled ? "The cancellation was already confirmed." : null);
    }

    /// <summary>BeginReviseTicket: AWAITING_ACCEPTANCE | ACCEPTED -> REVISION_PENDING with the revised line items.</summary>
    public bool BeginRevise(IReadOnlyList<(string MenuItemId, int Quantity)> revised)
    {
        const string command = "BeginReviseTicket";
        var revisedLineItems = Revised(command, revised);
        if (State is TicketState.AwaitingAcceptance or TicketState.Accepted)
        {
            PreviousState = State;
            State = TicketState.RevisionPending;
            RevisedLineItems = revisedLineItems;
            return true;
        }
        if (State == TicketState.RevisionPending)
        {
            return RevisedLineItems!.SequenceEqual(revisedLineItems) ? false : throw Refused(command, "Another revision is pending.");
        }
        throw Refused(command, CannotChangeReason());
    }

    /// <summary>ConfirmReviseTicket: REVISION_PENDING -> the state before, with the revised line items.</summary>
    public bool ConfirmRevise(IReadOnlyList<(string MenuItemId, int Quantity)> revised)
    {
        const string command = "ConfirmReviseTicket";
        var revisedLineItems = Revised(command, revised);
        if (State == TicketState.RevisionPending && RevisedLineItems!.SequenceEqual(revisedLineItems))
        {
            State = PreviousState!.Value;
            PreviousState = null;
            LineItems = revisedLineItems;
            RevisedLineItems = null;
            return true;
        }
        var alreadyRevised = ReachedKitchen && State is not (TicketState.RevisionPending or TicketState.Cancelled) && LineItems.SequenceEqual(revisedLineItems);
        return alreadyRevised
            ? false
            : throw Refused(command, State == TicketState.RevisionPending ? "The pending revision has other line items." : "No such revision is pending.");
    }

    /// <summary>UndoBeginReviseTicket: REVISION_PENDING -> the state before, with the line items it had.</summary>
    public bool UndoBeginRevise()
    {
        if (State == TicketState.RevisionPending)
        {
            State = PreviousState!.Value;
            PreviousState = null;
            RevisedLineItems = null;
            return true;
        }
        return ReachedKitchen ? false : throw Refused("UndoBeginReviseTicket", null);
    }

    private void Move(string command, TicketState from, TicketState to)
    {
        if (State != from)
        {
            throw Refused(command, $"Only a ticket in {from.ToWireName()} can do that.");
        }
        State = to;
    }

    // Revised line items keep the dish names the ticket knows (a revision changes quantities or adds dishes by id).
    private List<TicketLineItem> Revised(string command, IReadOnlyList<(string MenuItemId, int Quantity)> revised)
    {
        if (revised.Count == 0)
        {
            throw Refused(command, "A revision needs at least one line item.");
        }
        return [.. revised.Select(r => new TicketLineItem(r.MenuItemId,
            LineItems.FirstOrDefault(l => l.MenuItemId == r.MenuItemId)?.Name ?? r.MenuItemId, ValidQuantity(command, State, r.MenuItemId, r.Quantity)))];
    }

    private static int ValidQuantity(string command, TicketState? state, string menuItemId, int quantity) =>
        quantity is > 0 and <= MaxQuantity
            ? quantity
            : throw new TicketCommandRefusedException(command, state, $"The quantity of '{menuItemId}' must be between 1 and {MaxQuantity}, not {quantity}.");

    private string CannotChangeReason() => State switch
    {
        TicketState.Preparing or TicketState.ReadyForPickup or TicketState.PickedUp => "The kitchen is already preparing the order (or done with it).",
        TicketState.Cancelled => "The ticket was cancelled.",
        _ => $"A ticket in {State.ToWireName()} cannot change now.",
    };

    private TicketCommandRefusedException Refused(string command, string? reason) =>
        new(command, State, reason ?? $"{command} is not allowed in {State.ToWireName()}.");
}

/// <summary>One dish of a ticket: the menu item's id and name as the kitchen cooks it, and how many.</summary>
public sealed record TicketLineItem(string MenuItemId, string Name, int Quantity);

public enum TicketState
{
    CreatePending,
    AwaitingAcceptance,
    Accepted,
    Preparing,
    ReadyForPickup,
    PickedUp,
    CancelPending,
    Cancelled,
    RevisionPending,
}

public static class TicketStateNames
{
    /// <summary>The state as the book, the APIs and the database spell it: AWAITING_ACCEPTANCE.</summary>
    public static string ToWireName(this TicketState state) => state switch
    {
        TicketState.CreatePending => "CREATE_PENDING",
        TicketState.AwaitingAcceptance => "AWAITING_ACCEPTANCE",
        TicketState.Accepted => "ACCEPTED",
        TicketState.Preparing => "PREPARING",
        TicketState.ReadyForPickup => "READY_FOR_PICKUP",
        TicketState.PickedUp => "PICKED_UP",
        TicketState.CancelPending => "CANCEL_PENDING",
        TicketState.Cancelled => "CANCELLED",
        TicketState.RevisionPending => "REVISION_PENDING",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static TicketState FromWireName(string name) =>
        Enum.GetValues<TicketState>().FirstOrDefault(s => s.ToWireName() == name, (TicketState)(-1)) is var state && Enum.IsDefined(state)
            ? state
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Not a ticket state.");
}

/// <summary>The ticket's state (or its rules) refuses a command; nothing changed. <c>State</c> is null when there is no ticket yet.</summary>
public sealed class TicketCommandRefusedException(string command, TicketState? state, string reason) : DomainException(reason)
{
    public string Command { get; } = command;
    public TicketState? State { get; } = state;
}
