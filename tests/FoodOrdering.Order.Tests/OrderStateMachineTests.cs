using FoodOrdering.Domain;
using FoodOrdering.Order.Domain;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The Order state machine as a table: every transition from every state, legal (the state it leads to)
/// or illegal (a DomainException, and nothing changes). The table is complete: a new state or transition
/// without a row fails <see cref="The_table_covers_every_state_and_transition"/>.
/// </summary>
public sealed class OrderStateMachineTests
{
    public enum Transition { Approve, Reject, BeginCancel, ConfirmCancel, UndoCancel, BeginRevise, ConfirmRevise, UndoRevise }

    /// <summary>Where each legal transition leads; every pair not listed is illegal.</summary>
    private static readonly Dictionary<(OrderState From, Transition Transition), OrderState> Legal = new()
    {
        [(OrderState.ApprovalPending, Transition.Approve)] = OrderState.Approved,
        [(OrderState.ApprovalPending, Transition.Reject)] = OrderState.Rejected,
        [(OrderState.Approved, Transition.BeginCancel)] = OrderState.CancelPending,
        [(OrderState.Approved, Transition.BeginRevise)] = OrderState.RevisionPending,
        [(OrderState.CancelPending, Transition.ConfirmCancel)] = OrderState.Cancelled,
        [(OrderState.CancelPending, Transition.UndoCancel)] = OrderState.Approved,
        [(OrderState.RevisionPending, Transition.ConfirmRevise)] = OrderState.Approved,
        [(OrderState.RevisionPending, Transition.UndoRevise)] = OrderState.Approved,
    };

    /// <summary>A cancel that already holds: answered with the current state, nothing changes (idempotent).</summary>
    private static readonly HashSet<(OrderState, Transition)> AlreadyHolds =
    [
        (OrderState.CancelPending, Transition.BeginCancel),
        (OrderState.Cancelled, Transition.BeginCancel),
    ];

    public static TheoryData<OrderState, Transition> LegalTransitions() => Table(Legal.Keys);

    public static TheoryData<OrderState, Transition> IllegalTransitions() => Table(AllPairs().Where(p => !Legal.ContainsKey(p) && !AlreadyHolds.Contains(p)));

    public static TheoryData<OrderState, Transition> RepeatedCancels() => Table(AlreadyHolds);

    private static TheoryData<OrderState, Transition> Table(IEnumerable<(OrderState, Transition)> pairs)
    {
        var table = new TheoryData<OrderState, Transition>();
        foreach (var (state, transition) in pairs)
        {
            table.Add(state, transition);
        }
        return table;
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void A_legal_transition_moves_the_order_to_its_next_state_and_a_new_version(OrderState from, Transition transition)
    {
        var order = OrderIn(from);
        var version = order.Version;

        Apply(order, transition);

        Assert.Equal(Legal[(from, transition)], order.State);
        Assert.Equal(version + 1, order.Version);
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void An_illegal_transition_is_a_domain_error_and_changes_nothing(OrderState from, Transition transition)
    {
        var order = OrderIn(from);
        var (version, total, reason) = (order.Version, order.OrderTotal, order.RejectionReason);

        var refused = Assert.Throws<IllegalOrderTransitionException>(() => Apply(order, transition));

        Assert.IsAssignableFrom<DomainException>(refused);
        Assert.Contains(from.Name(), refused.Message);
        Assert.Equal(from, order.State);
        Assert.Equal((version, total, reason), (order.Version, order.OrderTotal, order.RejectionReason));
    }

    [Theory]
    [MemberData(nameof(RepeatedCancels))]
    public void Cancelling_an_order_that_is_already_cancelled_or_being_cancelled_changes_nothing(OrderState from, Transition transition)
    {
        var order = OrderIn(from);
        var version = order.Version;

        Assert.Equal(Transition.BeginCancel, transition);
        Assert.False(order.BeginCancel());
        Assert.Equal(from, order.State);
        Assert.Equal(version, order.Version);
    }

    [Fact]
    public void The_table_covers_every_state_and_transition()
    {
        Assert.Equal(AllPairs().Count(), Legal.Count + AlreadyHolds.Count + IllegalTransitions().Count);
        // Every state is reachable from APPROVAL_PENDING by legal transitions.
        Assert.Equal(Enum.GetValues<OrderState>().Order(), Enum.GetValues<OrderState>().Select(s => OrderIn(s).State).Order());
    }

    [Fact]
    public void A_rejected_order_keeps_its_reason()
    {
        var order = NewOrder();
        order.Reject("card declined: account disabled");
        Assert.Equal("card declined: account disabled", order.RejectionReason);
    }

    [Fact]
    public void A_confirmed_revision_replaces_the_line_items_and_the_total()
    {
        var order = OrderIn(OrderState.Approved);
        order.BeginRevise([new OrderLineItem("1", "Chicken Vindaloo", 3, new Money(12.34m))]);
        Assert.Equal(new Money(24.68m), order.OrderTotal); // unchanged while pending

        order.ConfirmRevise();

        Assert.Equal(new Money(37.02m), order.OrderTotal);
        Assert.Null(order.PendingRevision);
    }

    [Fact]
    public void A_refused_revision_keeps_the_old_order_and_says_why()
    {
        var order = OrderIn(OrderState.Approved);
        order.BeginRevise([new OrderLineItem("1", "Chicken Vindaloo", 3, new Money(12.34m))]);

        order.UndoRevise("card declined: over the limit");

        Assert.Equal(new Money(24.68m), order.OrderTotal);
        Assert.Equal(2, Assert.Single(order.LineItems).Quantity);
        Assert.Null(order.PendingRevision);
        Assert.Equal("card declined: over the limit", order.RefusalReason);
    }

    [Fact]
    public void A_refused_cancellation_returns_to_approved_with_the_reason()
    {
        var order = OrderIn(OrderState.CancelPending);
        order.UndoCancel("the ticket is already being prepared");
        Assert.Equal((OrderState.Approved, "the ticket is already being prepared"), (order.State, order.RefusalReason));
        Assert.True(order.CanCancel);
    }

    [Fact]
    public void An_order_needs_a_line_item_and_positive_quantities()
    {
        var delivery = Delivery();
        Assert.Throws<InvalidInputException>(() => OrderAggregate.Create(1, 1, [], delivery));
        Assert.Throws<InvalidInputException>(() => OrderAggregate.Create(1, 1, [new OrderLineItem("1", "x", 0, new Money(1m))], delivery));
    }

    [Fact]
    public void State_names_are_the_wire_names()
    {
        Assert.Equal(["APPROVAL_PENDING", "APPROVED", "REJECTED", "CANCEL_PENDING", "CANCELLED", "REVISION_PENDING"],
            Enum.GetValues<OrderState>().Select(s => s.Name()));
        Assert.All(Enum.GetValues<OrderState>(), s => Assert.Equal(s, OrderStates.Parse(s.Name())));
    }

    private static IEnumerable<(OrderState, Transition)> AllPairs() =>
        Enum.GetValues<OrderState>().SelectMany(s => Enum.GetValues<Transition>().Select(t => (s, t)));

    private static void Apply(OrderAggregate order, Transition transition)
    {
        switch (transition)
        {
            case Transition.Approve: order.Approve(); break;
            case Transition.Reject: order.Reject("refused"); break;
            case Transition.BeginCancel: order.BeginCancel(); break;
            case Transition.ConfirmCancel: order.ConfirmCancel(); break;
            case Transition.UndoCancel: order.UndoCancel("refused"); break;
            case Transition.BeginRevise: order.BeginRevise([new OrderLineItem("1", "Chicken Vindaloo", 1, new Money(12.34m))]); break;
            case Transition.ConfirmRevise: order.ConfirmRevise(); break;
            case Transition.UndoRevise: order.UndoRevise("refused"); break;
        }
    }

    /// <summary>An order brought to <paramref name="state"/> by legal transitions only.</summary>
    private static OrderAggregate OrderIn(OrderState state)
    {
        var order = NewOrder();
        Transition[] path = state switch
        {
            OrderState.ApprovalPending => [],
            OrderState.Approved => [Transition.Approve],
            OrderState.Rejected => [Transition.Reject],
            OrderState.CancelPending => [Transition.Approve, Transition.BeginCancel],
            OrderState.Cancelled => [Transition.Approve, Transition.BeginCancel, Transition.ConfirmCancel],
            OrderState.RevisionPending => [Transition.Approve, Transition.BeginRevise],
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
        foreach (var transition in path)
        {
            Apply(order, transition);
        }
        return order;
    }

    private static OrderAggregate NewOrder() =>
        OrderAggregate.Create(consumerId: 7, restaurantId: 3, [new OrderLineItem("1", "Chicken Vindaloo", 2, new Money(12.34m))], Delivery());

    private static DeliveryInformation Delivery() =>
        new(new Address("1 Main St", null, "Oakland", "CA", "94611"), new DateTimeOffset(2026, 12, 2, 19, 0, 0, TimeSpan.Zero));
}
