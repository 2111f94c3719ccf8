using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Order.Sagas;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// CreateOrderSaga end to end inside the Order service, on real PostgreSQL and RabbitMQ, with the test
/// playing the Consumer, Kitchen and Accounting services: every path to APPROVED or REJECTED, the
/// compensations it sends, its events and the one-way NotifyConsumer at the end.
/// </summary>
public sealed class CreateOrderSagaTests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    private static readonly CreateOrderSaga Saga = new();
    private readonly SagaParticipants participants = service.Participants();

    [Fact]
    public async Task An_order_is_accepted_at_once_as_APPROVAL_PENDING_and_approved_when_every_participant_agrees()
    {
        var events = await service.Probe.WatchExchangeAsync(service.ChannelPrefix + Channels.OrderEvents);
        var response = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(consumerId: 7, OrderServiceFactory.RestaurantId));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("Retry-After")));
        var created = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        var orderId = created["orderId"]!.GetValue<long>();
        Assert.Equal("APPROVAL_PENDING", created["state"]!.GetValue<string>());
        Assert.Equal($"/v1/orders/{orderId}", response.Headers.Location!.OriginalString);

        var validate = await participants.ExpectAsync<ValidateOrderByConsumer>(orderId);
        Assert.Equal(new ValidateOrderByConsumer(7, orderId, "24.68"), validate.As<ValidateOrderByConsumer>());
        Assert.StartsWith("create-order-saga-replies-p", validate.ReplyChannel);
        await participants.ReplyAsync(validate, new ConsumerVerified(7, orderId));

        var createTicket = await participants.ExpectAsync<CreateTicket>(orderId);
        var ticket = createTicket.As<CreateTicket>();
        Assert.Equal((orderId, OrderServiceFactory.RestaurantId, new TicketLineItem("1", 2)), (ticket.OrderId, ticket.RestaurantId, Assert.Single(ticket.LineItems)));
        Assert.StartsWith("kitchen-service-commands-p", createTicket.Queue); // the sharded channel, keyed by order id
        Assert.Equal(validate.CorrelationId, createTicket.CorrelationId); // the saga's id
        await participants.ReplyAsync(createTicket, new TicketCreated(orderId, TicketId: 77));

        var authorize = await participants.ExpectAsync<AuthorizeCard>(orderId);
        Assert.Equal(new AuthorizeCard(7, orderId, "24.68"), authorize.As<AuthorizeCard>());
        Assert.Equal("APPROVAL_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        await participants.ReplyAsync(authorize, new CardAuthorized(7, orderId, AuthorizationId: 88, "24.68"));

        var confirm = await participants.ExpectAsync<ConfirmCreateTicket>(orderId);
        await participants.ReplyAsync(confirm, new TicketCreationConfirmed(orderId, 77));

        await service.WaitForStateAsync(orderId, "APPROVED");
        var notification = await participants.ExpectAsync<NotifyConsumer>(orderId);
        Assert.Null(notification.ReplyChannel); // one-way: nobody waits for an answer
        Assert.Equal((7L, orderId), (notification.As<NotifyConsumer>().ConsumerId, notification.As<NotifyConsumer>().OrderId));
        Assert.Contains("approved", notification.As<NotifyConsumer>().Subject);
        Assert.Equal(["OrderCreated", "OrderApproved"], await service.OrderEventsAsync(events, orderId, count: 2));
        Assert.Equal("Succeeded", await service.Database.ScalarAsync<string>($"SELECT status FROM saga_instances WHERE saga_key = '{orderId}'"));
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId));
    }

    [Fact]
    public async Task An_order_over_the_consumers_limit_is_rejected_with_the_reason_and_no_ticket_is_asked_for()
    {
        var events = await service.Probe.WatchExchangeAsync(service.ChannelPrefix + Channels.OrderEvents);
        var orderId = await service.PlaceOrderAsync(consumerId: 8);

        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId),
            new ConsumerVerificationFailed(8, orderId, "order total exceeds the consumer's order limit"));

        await service.WaitForStateAsync(orderId, "REJECTED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("order total exceeds the consumer's order limit", order["rejectionReason"]!.GetValue<string>());
        Assert.Contains("rejected", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Subject);
        Assert.Equal(["OrderCreated", "OrderRejected"], await service.OrderEventsAsync(events, orderId, count: 2));
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId)); // no CreateTicket, nothing to undo
    }

    [Fact]
    public async Task An_unknown_consumer_is_rejected_with_the_reason()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 999);

        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId),
            new ConsumerVerificationFailed(999, orderId, "unknown consumer"));

        await service.WaitForStateAsync(orderId, "REJECTED");
        Assert.Equal("unknown consumer", (await service.GetOrderAsync(orderId))["rejectionReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_ticket_the_kitchen_refuses_rejects_the_order_with_nothing_to_compensate()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 9);
        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId), new ConsumerVerified(9, orderId));

        await participants.ReplyAsync(await participants.ExpectAsync<CreateTicket>(orderId), new TicketCreationFailed(orderId, "unknown menu item 1"));

        await service.WaitForStateAsync(orderId, "REJECTED");
        Assert.Equal("ticket not created: unknown menu item 1", (await service.GetOrderAsync(orderId))["rejectionReason"]!.GetValue<string>());
        await participants.ExpectAsync<NotifyConsumer>(orderId);
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId)); // no CancelCreateTicket: the ticket was never created
    }

    [Fact]
    public async Task A_declined_card_cancels_the_ticket_then_rejects_the_order_with_card_declined()
    {
        var events = await service.Probe.WatchExchangeAsync(service.ChannelPrefix + Channels.OrderEvents);
        var orderId = await service.PlaceOrderAsync(consumerId: 10);
        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId), new ConsumerVerified(10, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<CreateTicket>(orderId), new TicketCreated(orderId, 78));

        await participants.ReplyAsync(await participants.ExpectAsync<AuthorizeCard>(orderId), new CardAuthorizationFailed(10, orderId, "account disabled"));

        // The compensation first: the order stays APPROVAL_PENDING until the kitchen confirms the ticket is cancelled.
        var cancelTicket = await participants.ExpectAsync<CancelCreateTicket>(orderId);
        Assert.Equal(new CancelCreateTicket(orderId, OrderServiceFactory.RestaurantId), cancelTicket.As<CancelCreateTicket>());
        Assert.Equal("APPROVAL_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        Assert.Equal("Compensating", await service.Database.ScalarAsync<string>($"SELECT status FROM saga_instances WHERE saga_key = '{orderId}'"));
        await participants.ReplyAsync(cancelTicket, new TicketCreationCancelled(orderId, 78));

        await service.WaitForStateAsync(orderId, "REJECTED");
        var order = await service.GetOrderAsync(orderId);
        Assert.Equal("card declined: account disabled", order["rejectionReason"]!.GetValue<string>());
        Assert.Equal(["self", "consumer"], order["_links"]!.AsObject().Select(l => l.Key)); // no ticket: it was cancelled
        Assert.Contains("card declined: account disabled", (await participants.ExpectAsync<NotifyConsumer>(orderId)).As<NotifyConsumer>().Text);
        Assert.Equal(["OrderCreated", "OrderRejected"], await service.OrderEventsAsync(events, orderId, count: 2));
        Assert.Equal("Failed", await service.Database.ScalarAsync<string>($"SELECT status FROM saga_instances WHERE saga_key = '{orderId}'"));
        await service.WaitUntilOutboxSentAsync();
        Assert.Empty(await participants.PendingCommandsAsync(orderId)); // no ConfirmCreateTicket
    }

    [Fact]
    public async Task A_reply_for_an_unknown_or_finished_saga_is_ignored()
    {
        // Unknown: a correlation id no saga has.
        var stray = await participants.ReplyAsync(Saga.ReplyChannelFor("12345"), Guid.NewGuid(), "12345", new TicketCreated(12345, 1));
        await WaitUntilProcessedAsync(stray);

        // Finished: an approved order's saga gets a late duplicate with a new message id.
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 11);
        var sagaId = await service.Database.ScalarAsync<Guid>($"SELECT id FROM saga_instances WHERE saga_key = '{orderId}'");
        var version = await service.Database.ScalarAsync<int>($"SELECT version FROM saga_instances WHERE id = '{sagaId}'");
        var outboxRows = await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox");

        var late = await participants.ReplyAsync(Saga.ReplyChannelFor(orderId.ToString()), sagaId, orderId.ToString(), new CardAuthorizationFailed(11, orderId, "late"));
        await WaitUntilProcessedAsync(late);

        Assert.Equal("APPROVED", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        Assert.Equal(version, await service.Database.ScalarAsync<int>($"SELECT version FROM saga_instances WHERE id = '{sagaId}'"));
        Assert.Equal(outboxRows, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox"));
        Assert.Equal(0u, await service.Probe.MessageCountAsync(service.ChannelPrefix + Saga.ReplyChannelFor(orderId.ToString()) + "_error") ?? 0u);
    }


    // The reply handler committed its inbox row: it handled the reply (here: logged and ignored it) without failing.
    private Task WaitUntilProcessedAsync(Guid messageId) =>
        LocalSystem.Processes.Wait.UntilAsync(
            async _ => await service.Database.ScalarAsync<long>($"SELECT count(*) FROM processed_messages WHERE message_id = '{messageId}'") == 1,
            TimeSpan.FromSeconds(30), $"reply {messageId} to be handled", CancellationToken.None);
}
