using System.Net.Http.Json;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// The Kitchen service as a saga participant, against real PostgreSQL and RabbitMQ: each command, sent
/// through an outbox and a relay to the sharded kitchen-service-commands channel, gets the right reply on
/// the named reply channel with the command's correlation id, the right database effect, and the right
/// events on ticket-events. Repeats (new message id) and redeliveries (same message id) change nothing;
/// stale commands are answered TicketCommandRejected and change nothing.
/// </summary>
public sealed class TicketCommandTests(KitchenServiceFactory kitchen) : IClassFixture<KitchenServiceFactory>, IAsyncLifetime
{
    private static long nextOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static readonly TicketLineItem[] TwoVindaloos = [new("1", 2)];
    private RabbitMqProbe rabbitMq = null!;
    private SagaParticipant saga = null!;
    private long restaurantId;

    public async Task InitializeAsync()
    {
        rabbitMq = await RabbitMqProbe.ConnectAsync(kitchen.RabbitMqUri);
        saga = new SagaParticipant(kitchen, rabbitMq);
        restaurantId = await kitchen.CreateRestaurantAsync();
    }

    public async Task DisposeAsync() => await rabbitMq.DisposeAsync();

    private static long NewOrderId() => Interlocked.Increment(ref nextOrderId);

    [Fact]
    public async Task CreateTicket_creates_a_pending_ticket_and_replies_TicketCreated_with_its_id_and_the_correlation_id()
    {
        var orderId = NewOrderId();

        var reply = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        Assert.Equal(nameof(TicketCreated), reply.Type);
        Assert.Equal(reply.CorrelationId.ToString(), reply.Headers["CorrelationId"]);
        Assert.Equal(orderId, reply.Body["orderId"]!.GetValue<long>());
        Assert.Equal("CREATE_PENDING", await StateAsync(orderId));
        Assert.Equal(reply.TicketId, await kitchen.Database.ScalarAsync<long>($"SELECT id FROM tickets WHERE order_id = {orderId}"));
        Assert.Equal("""[{"name": "Chicken Vindaloo", "quantity": 2, "menuItemId": "1"}]""",
            await kitchen.Database.ScalarAsync<string>($"SELECT line_items::text FROM tickets WHERE order_id = {orderId}"));
        Assert.Equal(0L, await EventCountAsync(orderId)); // a pending ticket is no news for anyone
    }

    [Theory]
    [InlineData("unknown restaurant", "There is no restaurant")]
    [InlineData("unknown menu item", "has no menu item '99'")]
    [InlineData("bad quantity", "between 1 and 100")]
    public async Task CreateTicket_that_breaks_a_rule_is_answered_TicketCreationFailed_with_the_reason(string problem, string reason)
    {
        var orderId = NewOrderId();
        var command = problem switch
        {
            "unknown restaurant" => new CreateTicket(orderId, restaurantId + 1000, TwoVindaloos),
            "unknown menu item" => new CreateTicket(orderId, restaurantId, [new("99", 1)]),
            _ => new CreateTicket(orderId, restaurantId, [new("1", 0)]),
        };

        var reply = await saga.SendAsync(command, orderId);

        Assert.Equal(nameof(TicketCreationFailed), reply.Type);
        Assert.Contains(reason, reply.Reason);
        Assert.Equal(0L, await kitchen.Database.ScalarAsync<long>($"SELECT count(*) FROM tickets WHERE order_id = {orderId}"));
    }

    [Fact]
    public async Task A_repeated_CreateTicket_with_a_new_message_id_answers_the_same_ticket_and_creates_no_second_one()
    {
        var orderId = NewOrderId();
        var first = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        var again = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        Assert.NotEqual(first.CommandMessageId, again.CommandMessageId);
        Assert.Equal(nameof(TicketCreated), again.Type);
        Assert.Equal(first.TicketId, again.TicketId);
        Assert.Equal(1L, await kitchen.Database.ScalarAsync<long>($"SELECT count(*) FROM tickets WHERE order_id = {orderId}"));
    }

    [Fact]
    public async Task A_command_redelivered_with_the_same_message_id_is_processed_once()
    {
        var orderId = NewOrderId();
        await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);
        var confirm = await saga.SendAsync(new ConfirmCreateTicket(orderId), orderId);

        // The relay publishes the very same row (same message id) again, as after a crash before it marked it sent.
        await kitchen.Database.ScalarAsync<object>($"UPDATE outbox SET sent_at = NULL WHERE id = '{confirm.CommandMessageId}'");
        await Wait.UntilAsync(async _ => await kitchen.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{confirm.CommandMessageId}'"),
            TimeSpan.FromSeconds(30), "the command to be published again", CancellationToken.None);
        // A later command of the same order is handled after the redelivery (one partition, one at a time).
        await saga.SendAsync(new BeginCancelTicket(orderId), orderId);

        Assert.Equal(1L, await ReplyCountAsync(confirm.CorrelationId));
        Assert.Equal(1L, await EventCountAsync(orderId, nameof(TicketConfirmed)));
        Assert.Equal("CANCEL_PENDING", await StateAsync(orderId));
    }

    [Fact]
    public async Task A_ticket_goes_through_confirm_cancel_and_revise_with_an_event_for_each_outcome()
    {
        var orderId = NewOrderId();
        var events = await rabbitMq.WatchExchangeAsync(kitchen.ChannelPrefix + Channels.TicketEvents);
        var created = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        await ExpectAsync(new ConfirmCreateTicket(orderId), orderId, nameof(TicketCreationConfirmed), "AWAITING_ACCEPTANCE");
        var confirmed = await rabbitMq.WaitForMessageAsync(events, (_, h) => h["ftgo-message-type"] == nameof(TicketConfirmed) && h["ftgo-message-key"] == orderId.ToString());
        Assert.Contains($"\"ticketId\":{created.TicketId}", confirmed.Body);

        await ExpectAsync(new BeginCancelTicket(orderId), orderId, nameof(TicketCancellationBegun), "CANCEL_PENDING");
        await ExpectAsync(new BeginCancelTicket(orderId), orderId, nameof(TicketCancellationBegun), "CANCEL_PENDING"); // repeat
        await ExpectAsync(new UndoBeginCancelTicket(orderId), orderId, nameof(TicketCancellationUndone), "AWAITING_ACCEPTANCE");
        await ExpectAsync(new UndoBeginCancelTicket(orderId), orderId, nameof(TicketCancellationUndone), "AWAITING_ACCEPTANCE"); // repeat

        TicketLineItem[] revised = [new("1", 1), new("2", 4)];
        await ExpectAsync(new BeginReviseTicket(orderId, revised), orderId, nameof(TicketRevisionBegun), "REVISION_PENDING");
        await ExpectAsync(new UndoBeginReviseTicket(orderId), orderId, nameof(TicketRevisionUndone), "AWAITING_ACCEPTANCE");
        await ExpectAsync(new BeginReviseTicket(orderId, revised), orderId, nameof(TicketRevisionBegun), "REVISION_PENDING");
        await ExpectAsync(new ConfirmReviseTicket(orderId, revised), orderId, nameof(TicketRevisionConfirmed), "AWAITING_ACCEPTANCE");
        await ExpectAsync(new ConfirmReviseTicket(orderId, revised), orderId, nameof(TicketRevisionConfirmed), "AWAITING_ACCEPTANCE"); // repeat
        var revisedEvent = await rabbitMq.WaitForMessageAsync(events, (_, h) => h["ftgo-message-type"] == nameof(TicketRevised));
        Assert.Contains("\"menuItemId\":\"2\",\"quantity\":4", revisedEvent.Body);

        await ExpectAsync(new BeginCancelTicket(orderId), orderId, nameof(TicketCancellationBegun), "CANCEL_PENDING");
        await ExpectAsync(new ConfirmCancelTicket(orderId), orderId, nameof(TicketCancellationConfirmed), "CANCELLED");
        await ExpectAsync(new ConfirmCancelTicket(orderId), orderId, nameof(TicketCancellationConfirmed), "CANCELLED"); // repeat
        await rabbitMq.WaitForMessageAsync(events, (_, h) => h["ftgo-message-type"] == nameof(TicketCancelled) && h["ftgo-message-key"] == orderId.ToString());

        // One event per outcome, none for the repeats, none for the pending states.
        Assert.Equal(3L, await EventCountAsync(orderId));
        Assert.Equal(1L, await EventCountAsync(orderId, nameof(TicketRevised)));
        Assert.Equal(1L, await EventCountAsync(orderId, nameof(TicketCancelled)));
    }

    [Fact]
    public async Task CancelCreateTicket_cancels_the_pending_ticket_answers_repeats_and_a_late_CreateTicket_does_not_resurrect_it()
    {
        var orderId = NewOrderId();
        var created = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        var cancelled = await ExpectAsync(new CancelCreateTicket(orderId, restaurantId), orderId, nameof(TicketCreationCancelled), "CANCELLED");
        Assert.Equal(created.TicketId, cancelled.TicketId);
        await ExpectAsync(new CancelCreateTicket(orderId, restaurantId), orderId, nameof(TicketCreationCancelled), "CANCELLED"); // repeat

        // The chapter's scenario: a CreateTicket redelivered (a new message id, e.g. a saga retry) after the compensation.
        var late = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);
        Assert.Equal(nameof(TicketCreationFailed), late.Type);
        Assert.Contains("was cancelled", late.Reason);
        var confirm = await saga.SendAsync(new ConfirmCreateTicket(orderId), orderId);
        Assert.Equal(nameof(TicketCommandRejected), confirm.Type);
        Assert.Equal("CANCELLED", confirm.Body["ticketState"]!.GetValue<string>());

        Assert.Equal("CANCELLED", await StateAsync(orderId));
        Assert.Equal(1L, await kitchen.Database.ScalarAsync<long>($"SELECT count(*) FROM tickets WHERE order_id = {orderId}"));
        Assert.Equal(0L, await EventCountAsync(orderId));
    }

    [Fact]
    public async Task CancelCreateTicket_before_any_CreateTicket_records_a_cancelled_ticket_so_the_late_create_fails()
    {
        var orderId = NewOrderId();

        var cancelled = await ExpectAsync(new CancelCreateTicket(orderId, restaurantId), orderId, nameof(TicketCreationCancelled), "CANCELLED");
        var late = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);

        Assert.Equal(nameof(TicketCreationFailed), late.Type);
        Assert.Equal(cancelled.TicketId, await kitchen.Database.ScalarAsync<long>($"SELECT id FROM tickets WHERE order_id = {orderId}"));
        Assert.Equal("[]", await kitchen.Database.ScalarAsync<string>($"SELECT line_items::text FROM tickets WHERE order_id = {orderId}"));
    }

    [Fact]
    public async Task A_stale_command_for_a_ticket_that_moved_on_is_rejected_with_the_state_and_changes_nothing()
    {
        var orderId = NewOrderId();
        var created = await saga.SendAsync(new CreateTicket(orderId, restaurantId, TwoVindaloos), orderId);
        await saga.SendAsync(new ConfirmCreateTicket(orderId), orderId);
        var client = kitchen.CreateClient();
        (await client.PostAsJsonAsync($"/v1/tickets/{created.TicketId}/accept", new { readyBy = DateTimeOffset.UtcNow.AddHours(1) })).EnsureSuccessStatusCode();
        (await client.PostAsync($"/v1/tickets/{created.TicketId}/preparing", null)).EnsureSuccessStatusCode();

        var cancel = await saga.SendAsync(new BeginCancelTicket(orderId), orderId);
        var compensate = await saga.SendAsync(new CancelCreateTicket(orderId, restaurantId), orderId);

        Assert.Equal(nameof(TicketCommandRejected), cancel.Type);
        Assert.Equal(nameof(BeginCancelTicket), cancel.Body["command"]!.GetValue<string>());
        Assert.Equal("PREPARING", cancel.Body["ticketState"]!.GetValue<string>());
        Assert.Contains("already preparing", cancel.Body["reason"]!.GetValue<string>());
        Assert.Equal(nameof(TicketCommandRejected), compensate.Type);
        Assert.Equal("PREPARING", await StateAsync(orderId));
    }

    [Fact]
    public async Task A_command_for_an_order_without_a_ticket_is_rejected()
    {
        var orderId = NewOrderId();

        var reply = await saga.SendAsync(new BeginReviseTicket(orderId, TwoVindaloos), orderId);

        Assert.Equal(nameof(TicketCommandRejected), reply.Type);
        Assert.Null(reply.Body["ticketState"]);
        Assert.Contains("has no ticket", reply.Body["reason"]!.GetValue<string>());
        Assert.Equal(0L, await kitchen.Database.ScalarAsync<long>($"SELECT count(*) FROM tickets WHERE order_id = {orderId}"));
    }

    private async Task<Reply> ExpectAsync<TCommand>(TCommand command, long orderId, string replyType, string state)
        where TCommand : class
    {
        var reply = await saga.SendAsync(command, orderId);
        Assert.True(reply.Type == replyType, $"{typeof(TCommand).Name}: expected {replyType}, got {reply.Type} {reply.Body.ToJsonString()}");
        Assert.Equal(state, await StateAsync(orderId));
        return reply;
    }

    private Task<string?> StateAsync(long orderId) => kitchen.Database.ScalarAsync<string>($"SELECT state FROM tickets WHERE order_id = {orderId}");

    private Task<long> EventCountAsync(long orderId, string? type = null) => kitchen.Database.ScalarAsync<long>(
        $"SELECT count(*) FROM outbox WHERE channel = '{Channels.TicketEvents}' AND message_key = '{orderId}'" + (type is null ? "" : $" AND message_type = '{type}'"));

    private Task<long> ReplyCountAsync(Guid correlationId) => kitchen.Database.ScalarAsync<long>(
        $"SELECT count(*) FROM outbox WHERE channel = '{saga.ReplyChannel}' AND correlation_id = '{correlationId}'");
}
