using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// CancelOrderSaga and ReviseOrderSaga inside the Order service, the test playing the participants: each
/// to its end state, and each refusal undone in reverse with the order back to APPROVED and the reason.
/// </summary>
public sealed class CancelAndReviseSagaTests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    private readonly SagaParticipants participants = service.Participants();

    [Fact]
    public async Task An_approved_order_is_cancelled_and_a_repeated_cancel_changes_nothing()
    {
        var events = await service.Probe.WatchExchangeAsync(service.ChannelPrefix + Channels.OrderEvents);
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 20);

        Assert.Equal("CANCEL_PENDING", await CancelAsync(orderId));
        Assert.Equal("CANCEL_PENDING", await CancelAsync(orderId)); // idempotent: the same answer, no second saga
        Assert.Equal(1, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_type = 'cancel-order' AND saga_key = '{orderId}'"));
        Assert.Equal(["self", "consumer", "ticket"], (await service.GetOrderAsync(orderId))["_links"]!.AsObject().Select(l => l.Key));

        await participants.ReplyAsync(await participants.ExpectAsync<BeginCancelTicket>(orderId), new TicketCancellationBegun(orderId, 79));
        var reverse = await participants.ExpectAsync<ReverseAuthorization>(orderId);
        Assert.Equal(new ReverseAuthorization(20, orderId), reverse.As<ReverseAuthorization>());
        Assert.StartsWith("cancel-order-saga-replies-p", reverse.ReplyChannel);
        await participants.ReplyAsync(reverse, new AuthorizationReversed(20, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<ConfirmCancelTicket>(orderId), new TicketCancellationConfirmed(orderId, 79));

        await service.WaitForStateAsync(orderId, "CANCELLED");
        Assert.Contains("cancelled", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Subject);
        Assert.Equal("CANCELLED", await CancelAsync(orderId));
        Assert.Equal(["OrderCreated", "OrderApproved", "OrderCancelled"], await service.OrderEventsAsync(events, orderId, count: 3));
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId));
    }

    [Fact]
    public async Task A_cancel_the_kitchen_refuses_returns_the_order_to_APPROVED_with_the_reason()
    {
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 21);
        Assert.Equal("CANCEL_PENDING", await CancelAsync(orderId));

        await participants.ReplyAsync(await participants.ExpectAsync<BeginCancelTicket>(orderId),
            new TicketCommandRejected(orderId, "BeginCancelTicket", "PREPARING", "the ticket is already being prepared"));

        await service.WaitForStateAsync(orderId, "APPROVED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("the ticket is already being prepared", order["refusalReason"]!.GetValue<string>());
        Assert.Equal(["self", "cancel", "revise", "consumer", "ticket"], order["_links"]!.AsObject().Select(l => l.Key));
        Assert.Contains("not cancelled", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Subject);
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId)); // no ReverseAuthorization: the card stays authorized
    }

    [Fact]
    public async Task An_approved_order_is_revised_to_the_new_line_items_and_total()
    {
        var events = await service.Probe.WatchExchangeAsync(service.ChannelPrefix + Channels.OrderEvents);
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 22);

        Assert.Equal("REVISION_PENDING", await ReviseAsync(orderId, quantity: 3));
        var pending = await service.GetOrderAsync(orderId);
        Assert.Equal("24.68", pending["orderTotal"]!.GetValue<string>()); // the old order stands until the saga confirms
        Assert.Equal(3, pending["pendingRevision"]![0]!["quantity"]!.GetValue<int>());

        var validate = await participants.ExpectAsync<ValidateOrderByConsumer>(orderId);
        Assert.Equal(new ValidateOrderByConsumer(22, orderId, "37.02"), validate.As<ValidateOrderByConsumer>());
        Assert.StartsWith("revise-order-saga-replies-p", validate.ReplyChannel);
        await participants.ReplyAsync(validate, new ConsumerVerified(22, orderId));
        var begin = await participants.ExpectAsync<BeginReviseTicket>(orderId);
        Assert.Equal(new TicketLineItem("1", 3), Assert.Single(begin.As<BeginReviseTicket>().RevisedLineItems));
        await participants.ReplyAsync(begin, new TicketRevisionBegun(orderId, 79));
        var revise = await participants.ExpectAsync<ReviseAuthorization>(orderId);
        Assert.Equal(new ReviseAuthorization(22, orderId, "37.02"), revise.As<ReviseAuthorization>());
        await participants.ReplyAsync(revise, new AuthorizationRevised(22, orderId, 89, "37.02"));
        await participants.ReplyAsync(await participants.ExpectAsync<ConfirmReviseTicket>(orderId), new TicketRevisionConfirmed(orderId, 79));

        await service.WaitForStateAsync(orderId, "APPROVED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("37.02", order["orderTotal"]!.GetValue<string>());
        Assert.Equal(3, order["lineItems"]![0]!["quantity"]!.GetValue<int>());
        Assert.Null(order["pendingRevision"]);
        Assert.Contains("revised", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Subject);
        Assert.Equal(["OrderCreated", "OrderApproved", "OrderRevised"], await service.OrderEventsAsync(events, orderId, count: 3));
    }

    [Fact]
    public async Task A_revision_with_a_declined_card_undoes_the_ticket_revision_and_keeps_the_old_order()
    {
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 23);
        Assert.Equal("REVISION_PENDING", await ReviseAsync(orderId, quantity: 30));
        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId), new ConsumerVerified(23, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<BeginReviseTicket>(orderId), new TicketRevisionBegun(orderId, 79));

        await participants.ReplyAsync(await participants.ExpectAsync<ReviseAuthorization>(orderId),
            new AuthorizationRevisionFailed(23, orderId, "over the single-authorization limit"));

        var undo = await participants.ExpectAsync<UndoBeginReviseTicket>(orderId);
        Assert.Equal("REVISION_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        await participants.ReplyAsync(undo, new TicketRevisionUndone(orderId, 79));

        await service.WaitForStateAsync(orderId, "APPROVED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>());
        Assert.Equal("card declined: over the single-authorization limit", order["refusalReason"]!.GetValue<string>());
        Assert.Contains("not revised", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Subject);
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId)); // no ConfirmReviseTicket
    }

    [Fact]
    public async Task A_revision_over_the_consumers_limit_keeps_the_old_order_and_never_reaches_the_kitchen()
    {
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 24);
        Assert.Equal("REVISION_PENDING", await ReviseAsync(orderId, quantity: 50));

        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId),
            new ConsumerVerificationFailed(24, orderId, "order total exceeds the consumer's order limit"));

        await service.WaitForStateAsync(orderId, "APPROVED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("24.68", order["orderTotal"]!.GetValue<string>());
        Assert.Equal("order total exceeds the consumer's order limit", order["refusalReason"]!.GetValue<string>());
        await participants.ExpectAsync<NotifyConsumer>(orderId);
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId));
    }

    [Fact]
    public async Task Cancel_and_revise_are_refused_with_409_while_the_order_does_not_allow_them()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 25); // APPROVAL_PENDING

        var cancel = await service.Client.PostAsync($"/v1/orders/{orderId}/cancel", null);
        var revise = await service.Client.PostAsJsonAsync($"/v1/orders/{orderId}/revise", RevisionRequest(3));

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (cancel.StatusCode, revise.StatusCode));
        var problem = (await cancel.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Contains("APPROVAL_PENDING", problem["detail"]!.GetValue<string>());
        Assert.Equal("application/problem+json", cancel.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_type <> 'create-order' AND saga_key = '{orderId}'"));
        Assert.Equal("APPROVAL_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
    }


    private async Task<string> CancelAsync(long orderId)
    {
        var response = await service.Client.PostAsync($"/v1/orders/{orderId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>();
    }

    private async Task<string> ReviseAsync(long orderId, int quantity)
    {
        var response = await service.Client.PostAsJsonAsync($"/v1/orders/{orderId}/revise", RevisionRequest(quantity));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>();
    }

    private static object RevisionRequest(int quantity) => new { revisedLineItems = new[] { new { menuItemId = "1", quantity } } };
}
