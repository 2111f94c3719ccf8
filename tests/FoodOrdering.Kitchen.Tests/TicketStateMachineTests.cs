using FoodOrdering.Domain;
using FoodOrdering.Kitchen.Domain;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// The ticket state machine, table-driven: every command from every state, with the outcome the book's
/// state machine (and our idempotence rules) demands. "changed to X", "unchanged" (the effect already
/// holds: success, nothing written), or "refused" (a DomainException, nothing changed).
/// </summary>
public sealed class TicketStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly (string, int)[] Ordered = [("1", 2)];
    private static readonly (string, int)[] Revised = [("1", 3), ("2", 1)];

    private const string Unchanged = "unchanged";
    private const string Refused = "refused";

    /// <summary>The starting points: every state, reached by its legal path (CANCELLED twice: before and after the kitchen saw the ticket).</summary>
    private static readonly Dictionary<string, Func<Ticket>> From = new()
    {
        ["CREATE_PENDING"] = NewTicket,
        ["AWAITING_ACCEPTANCE"] = () => Then(NewTicket(), t => t.ConfirmCreate()),
        ["ACCEPTED"] = () => Then(From!["AWAITING_ACCEPTANCE"](), t => t.Accept(Now.AddMinutes(30), Now)),
        ["PREPARING"] = () => Then(From!["ACCEPTED"](), t => t.StartPreparing()),
        ["READY_FOR_PICKUP"] = () => Then(From!["PREPARING"](), t => t.MarkReadyForPickup()),
        ["PICKED_UP"] = () => Then(From!["READY_FOR_PICKUP"](), t => t.MarkPickedUp()),
        ["CANCEL_PENDING"] = () => Then(From!["AWAITING_ACCEPTANCE"](), t => t.BeginCancel()),
        ["CANCELLED"] = () => Then(From!["CANCEL_PENDING"](), t => t.ConfirmCancel()),
        ["CANCELLED before the kitchen"] = () => Then(NewTicket(), t => t.CancelCreate()),
        ["REVISION_PENDING"] = () => Then(From!["AWAITING_ACCEPTANCE"](), t => t.BeginRevise(Revised)),
    };

    private static readonly Dictionary<string, Func<Ticket, bool>> Commands = new()
    {
        ["ConfirmCreate"] = t => t.ConfirmCreate(),
        ["CancelCreate"] = t => t.CancelCreate(),
        ["Accept"] = t => Changed(() => t.Accept(Now.AddMinutes(30), Now)),
        ["StartPreparing"] = t => Changed(t.StartPreparing),
        ["MarkReadyForPickup"] = t => Changed(t.MarkReadyForPickup),
        ["MarkPickedUp"] = t => Changed(t.MarkPickedUp),
        ["BeginCancel"] = t => t.BeginCancel(),
        ["ConfirmCancel"] = t => t.ConfirmCancel(),
        ["UndoBeginCancel"] = t => t.UndoBeginCancel(),
        ["BeginRevise"] = t => t.BeginRevise(Revised),
        ["ConfirmRevise"] = t => t.ConfirmRevise(Revised),
        ["UndoBeginRevise"] = t => t.UndoBeginRevise(),
    };

    // Columns: CREATE_PENDING, AWAITING_ACCEPTANCE, ACCEPTED, PREPARING, READY_FOR_PICKUP, PICKED_UP,
    //          CANCEL_PENDING, CANCELLED, CANCELLED before the kitchen, REVISION_PENDING
    private static readonly Dictionary<string, string[]> Table = new()
    {
        ["ConfirmCreate"] = ["AWAITING_ACCEPTANCE", Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Refused, Refused, Unchanged],
        ["CancelCreate"] = ["CANCELLED", Refused, Refused, Refused, Refused, Refused, Refused, Refused, Unchanged, Refused],
        ["Accept"] = [Refused, "ACCEPTED", Refused, Refused, Refused, Refused, Refused, Refused, Refused, Refused],
        ["StartPreparing"] = [Refused, Refused, "PREPARING", Refused, Refused, Refused, Refused, Refused, Refused, Refused],
        ["MarkReadyForPickup"] = [Refused, Refused, Refused, "READY_FOR_PICKUP", Refused, Refused, Refused, Refused, Refused, Refused],
        ["MarkPickedUp"] = [Refused, Refused, Refused, Refused, "PICKED_UP", Refused, Refused, Refused, Refused, Refused],
        ["BeginCancel"] = [Refused, "CANCEL_PENDING", "CANCEL_PENDING", Refused, Refused, Refused, Unchanged, Refused, Refused, Refused],
        ["ConfirmCancel"] = [Refused, Refused, Refused, Refused, Refused, Refused, "CANCELLED", Unchanged, Refused, Refused],
        ["UndoBeginCancel"] = [Refused, Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, "AWAITING_ACCEPTANCE", Refused, Refused, Unchanged],
        ["BeginRevise"] = [Refused, "REVISION_PENDING", "REVISION_PENDING", Refused, Refused, Refused, Refused, Refused, Refused, Unchanged],
        ["ConfirmRevise"] = [Refused, Refused, Refused, Refused, Refused, Refused, Refused, Refused, Refused, "AWAITING_ACCEPTANCE"],
        ["UndoBeginRevise"] = [Refused, Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Unchanged, Refused, "AWAITING_ACCEPTANCE"],
    };

    public static TheoryData<string, string, string> Transitions()
    {
        var data = new TheoryData<string, string, string>();
        var states = From.Keys.ToList();
        foreach (var (command, outcomes) in Table)
        {
            for (var i = 0; i < states.Count; i++)
            {
                data.Add(states[i], command, outcomes[i]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Every_command_from_every_state(string from, string command, string expected)
    {
        var ticket = From[from]();
        var before = Snapshot(ticket);

        if (expected == Refused)
        {
            var refused = Assert.Throws<TicketCommandRefusedException>(() => Commands[command](ticket));
            Assert.IsAssignableFrom<DomainException>(refused); // 409 over REST, FAILED_PRECONDITION over gRPC
            Assert.Equal(ticket.State, refused.State);
            Assert.False(string.IsNullOrWhiteSpace(refused.Message));
            Assert.Equal(before, Snapshot(ticket)); // nothing changed
        }
        else if (expected == Unchanged)
        {
            Assert.False(Commands[command](ticket));
            Assert.Equal(before, Snapshot(ticket));
        }
        else
        {
            Assert.True(Commands[command](ticket));
            Assert.Equal(expected, ticket.State.ToWireName());
        }
    }

    [Fact]
    public void The_table_covers_every_command_and_every_state_is_reached()
    {
        Assert.Equal(Commands.Keys.Order(), Table.Keys.Order());
        Assert.All(Table.Values, row => Assert.Equal(From.Count, row.Length));
        var reached = Table.Values.SelectMany(row => row).Where(o => o is not (Unchanged or Refused)).ToHashSet();
        Assert.Equal(Enum.GetValues<TicketState>().Select(s => s.ToWireName()).Where(s => s != "CREATE_PENDING").Order(), reached.Order());
    }

    [Fact]
    public void Undoing_a_cancellation_returns_to_the_state_before_it()
    {
        var ticket = From["ACCEPTED"]();
        ticket.BeginCancel();
        Assert.True(ticket.UndoBeginCancel());
        Assert.Equal(TicketState.Accepted, ticket.State);
        Assert.Null(ticket.PreviousState);
    }

    [Fact]
    public void A_confirmed_revision_replaces_the_line_items_and_returns_to_the_state_before_it()
    {
        var ticket = From["ACCEPTED"]();
        ticket.BeginRevise(Revised);
        Assert.Equal([("1", 2)], ticket.LineItems.Select(l => (l.MenuItemId, l.Quantity)));

        Assert.True(ticket.ConfirmRevise(Revised));

        Assert.Equal(TicketState.Accepted, ticket.State);
        Assert.Equal(Revised, ticket.LineItems.Select(l => (l.MenuItemId, l.Quantity)));
        Assert.Null(ticket.RevisedLineItems);
        Assert.False(ticket.ConfirmRevise(Revised)); // a repeat: the effect holds
    }

    [Fact]
    public void An_undone_revision_keeps_the_line_items()
    {
        var ticket = From["REVISION_PENDING"]();
        Assert.True(ticket.UndoBeginRevise());
        Assert.Equal([("1", 2)], ticket.LineItems.Select(l => (l.MenuItemId, l.Quantity)));
        Assert.Null(ticket.RevisedLineItems);
    }

    [Fact]
    public void Another_revision_while_one_is_pending_is_refused()
    {
        var ticket = From["REVISION_PENDING"]();
        Assert.Throws<TicketCommandRefusedException>(() => ticket.BeginRevise([("1", 9)]));
        Assert.Throws<TicketCommandRefusedException>(() => ticket.ConfirmRevise([("1", 9)]));
    }

    [Fact]
    public void A_ticket_cancelled_before_creation_cannot_be_confirmed()
    {
        var ticket = Ticket.RecordCancelledBeforeCreation(orderId: 7, restaurantId: 1);
        Assert.True(ticket.IsCancelled);
        Assert.False(ticket.CancelCreate());
        Assert.Throws<TicketCommandRefusedException>(() => ticket.ConfirmCreate());
    }

    [Theory]
    [InlineData("9", 1, "has no menu item '9'")]
    [InlineData("1", 0, "between 1 and 100")]
    [InlineData("1", 101, "between 1 and 100")]
    public void Create_refuses_a_dish_off_the_menu_or_a_bad_quantity(string menuItemId, int quantity, string reason)
    {
        var refused = Assert.Throws<TicketCommandRefusedException>(() => Ticket.Create(1, Restaurant(), [(menuItemId, quantity)]));
        Assert.Contains(reason, refused.Message);
        Assert.Null(refused.State);
    }

    [Fact]
    public void Create_takes_the_dish_names_from_the_menu()
    {
        var ticket = Ticket.Create(1, Restaurant(), [("2", 1)]);
        Assert.Equal(TicketState.CreatePending, ticket.State);
        Assert.Equal("Garlic Naan", Assert.Single(ticket.LineItems).Name);
    }

    [Fact]
    public void Accept_needs_a_ready_by_time_in_the_future()
    {
        var ticket = From["AWAITING_ACCEPTANCE"]();
        Assert.Throws<InvalidInputException>(() => ticket.Accept(Now, Now));
        Assert.Equal(TicketState.AwaitingAcceptance, ticket.State);
        ticket.Accept(Now.AddMinutes(1), Now);
        Assert.Equal(Now.AddMinutes(1), ticket.ReadyBy);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("duplicate id")]
    [InlineData("zero price")]
    [InlineData("no name")]
    public void A_bad_menu_is_refused_as_a_whole(string problem)
    {
        MenuItem[] menu = problem switch
        {
            "empty" => [],
            "duplicate id" => [new("1", "A", new Money(1)), new("1", "B", new Money(2))],
            "zero price" => [new("1", "A", Money.Zero)],
            _ => [new("1", " ", new Money(1))],
        };
        Assert.Throws<InvalidInputException>(() => Domain.Restaurant.Create("Ajanta", Address, menu));
        var restaurant = Restaurant();
        Assert.Throws<InvalidInputException>(() => restaurant.ReviseMenu(menu));
        Assert.Equal(2, restaurant.Menu.Count);
    }

    [Fact]
    public void Revising_a_menu_to_itself_changes_nothing()
    {
        var restaurant = Restaurant();
        Assert.False(restaurant.ReviseMenu([.. restaurant.Menu]));
        Assert.True(restaurant.ReviseMenu([new("1", "Chicken Vindaloo", new Money(13.50m))]));
    }

    private static readonly Address Address = new("1 Main St", null, "Oakland", "CA", "94611");

    private static Restaurant Restaurant() =>
        Domain.Restaurant.Create("Ajanta", Address, [new("1", "Chicken Vindaloo", new Money(12.34m)), new("2", "Garlic Naan", new Money(3.50m))]);

    private static Ticket NewTicket() => Ticket.Create(42, Restaurant(), Ordered);

    private static Ticket Then(Ticket ticket, Func<Ticket, bool> step)
    {
        Assert.True(step(ticket));
        return ticket;
    }

    private static Ticket Then(Ticket ticket, Action<Ticket> step)
    {
        step(ticket);
        return ticket;
    }

    private static bool Changed(Action action)
    {
        action();
        return true;
    }

    private static string Snapshot(Ticket t) =>
        $"{t.State}|{t.PreviousState}|{string.Join(",", t.LineItems)}|{string.Join(",", t.RevisedLineItems ?? [])}|{t.ReadyBy}|{t.ReachedKitchen}";
}
