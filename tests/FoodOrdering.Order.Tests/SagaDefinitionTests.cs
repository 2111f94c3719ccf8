using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Order.Sagas;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The three saga definitions read as the tables: the steps in order, who is asked what, which
/// replies move on, which refuse (with which reason), and what undoes each step. Pure: no broker, no database.
/// </summary>
public sealed class SagaDefinitionTests
{
    private static readonly CreateOrderSagaData CreateData = new()
    {
        OrderId = 42,
        ConsumerId = 7,
        RestaurantId = 3,
        LineItems = [new TicketLineItem("1", 2)],
        OrderTotal = "24.68",
    };

    private static readonly CancelOrderSagaData CancelData = new() { OrderId = 42, ConsumerId = 7, OrderTotal = "24.68" };

    private static readonly ReviseOrderSagaData ReviseData = new()
    {
        OrderId = 42,
        ConsumerId = 7,
        RevisedLineItems = [new TicketLineItem("1", 3)],
        NewOrderTotal = "37.02",
    };

    [Fact]
    public void Every_definition_is_runnable_and_has_its_reply_channel()
    {
        SagaDefinitionRules.Check(new CreateOrderSaga());
        SagaDefinitionRules.Check(new CancelOrderSaga());
        SagaDefinitionRules.Check(new ReviseOrderSaga());
        Assert.Equal(["create-order-saga-replies", "cancel-order-saga-replies", "revise-order-saga-replies"],
            [new CreateOrderSaga().ReplyChannel, new CancelOrderSaga().ReplyChannel, new ReviseOrderSaga().ReplyChannel]);
    }

    [Fact]
    public void CreateOrderSaga_verifies_the_consumer_creates_the_ticket_authorizes_the_card_confirms_the_ticket_and_approves()
    {
        var saga = new CreateOrderSaga();

        Assert.Equal(["create order", "verify consumer", "create ticket", "authorize card", "confirm ticket", "approve order", "notify consumer"],
            saga.Steps.Select(s => s.Name));
        Assert.Equal<object?>(
            [null, new ValidateOrderByConsumer(7, 42, "24.68"), null, new AuthorizeCard(7, 42, "24.68"), new ConfirmCreateTicket(42), null,
                new NotifyConsumer(7, 42, "Order 42 approved", "Your order of 24.68 was approved.")],
            saga.Steps.Select(s => s.Command?.Invoke(CreateData)).Select(c => c is CreateTicket ? null : c));
        Assert.Equal([6], saga.Steps.Select((s, i) => (s, i)).Where(x => x.s.OneWay).Select(x => x.i)); // the notification only
        var createTicket = Assert.IsType<CreateTicket>(saga.Steps[2].Command!(CreateData));
        Assert.Equal((42L, 3L, new TicketLineItem("1", 2)), (createTicket.OrderId, createTicket.RestaurantId, Assert.Single(createTicket.LineItems)));
        // Only the ticket is undone by a command (the card is the pivot); the order is rejected locally.
        Assert.Equal<object?>([null, null, new CancelCreateTicket(42, 3), null, null, null, null], saga.Steps.Select(s => s.Compensation?.Invoke(CreateData)));
        Assert.Equal([typeof(TicketCreationCancelled)], saga.Steps[2].CompensationReplies);
        Assert.NotNull(saga.Steps[0].LocalCompensation);
        Assert.NotNull(saga.Steps[5].LocalAction);
    }

    [Fact]
    public void CreateOrderSaga_rejects_with_the_participants_reason()
    {
        var saga = new CreateOrderSaga();

        Assert.Equal("order total exceeds the consumer's order limit",
            saga.Steps[1].FailureReplies[typeof(ConsumerVerificationFailed)](new ConsumerVerificationFailed(7, 42, "order total exceeds the consumer's order limit")));
        Assert.Equal("ticket not created: unknown menu item 9",
            saga.Steps[2].FailureReplies[typeof(TicketCreationFailed)](new TicketCreationFailed(42, "unknown menu item 9")));
        Assert.Equal("card declined: account disabled",
            saga.Steps[3].FailureReplies[typeof(CardAuthorizationFailed)](new CardAuthorizationFailed(7, 42, "account disabled")));
    }

    [Fact]
    public void CreateOrderSaga_keeps_the_ticket_and_the_authorization_ids()
    {
        var saga = new CreateOrderSaga();
        var data = new CreateOrderSagaData
        {
            OrderId = 42,
            ConsumerId = 7,
            RestaurantId = 3,
            LineItems = [],
            OrderTotal = "1.00",
        };

        saga.Steps[2].SuccessReplies[typeof(TicketCreated)](data, new TicketCreated(42, 77));
        saga.Steps[3].SuccessReplies[typeof(CardAuthorized)](data, new CardAuthorized(7, 42, 88, "1.00"));

        Assert.Equal((77L, 88L), (data.TicketId, data.AuthorizationId));
    }

    [Fact]
    public void CancelOrderSaga_begins_the_ticket_cancel_reverses_the_authorization_and_confirms()
    {
        var saga = new CancelOrderSaga();

        Assert.Equal(["begin cancel order", "begin cancel ticket", "reverse authorization", "confirm cancel ticket", "confirm cancel order", "notify consumer"],
            saga.Steps.Select(s => s.Name));
        Assert.Equal<object?>([null, new BeginCancelTicket(42), new ReverseAuthorization(7, 42), new ConfirmCancelTicket(42), null,
                new NotifyConsumer(7, 42, "Order 42 cancelled", "Your order of 24.68 was cancelled.")],
            saga.Steps.Select(s => s.Command?.Invoke(CancelData)));
        Assert.Equal<object?>([null, new UndoBeginCancelTicket(42), null, null, null, null], saga.Steps.Select(s => s.Compensation?.Invoke(CancelData)));
        Assert.Equal("the ticket is already being prepared",
            saga.Steps[1].FailureReplies[typeof(TicketCommandRejected)](new TicketCommandRejected(42, "BeginCancelTicket", "PREPARING", "the ticket is already being prepared")));
        Assert.NotNull(saga.Steps[0].LocalCompensation);
        Assert.NotNull(saga.Steps[4].LocalAction);
    }

    [Fact]
    public void ReviseOrderSaga_checks_the_limit_begins_the_ticket_revision_revises_the_authorization_and_confirms()
    {
        var saga = new ReviseOrderSaga();

        Assert.Equal(["begin revise order", "verify consumer", "begin revise ticket", "revise authorization", "confirm revise ticket", "confirm revise order",
                "notify consumer"],
            saga.Steps.Select(s => s.Name));
        var commands = saga.Steps.Select(s => s.Command?.Invoke(ReviseData)).ToList();
        Assert.Equal(new ValidateOrderByConsumer(7, 42, "37.02"), commands[1]);
        Assert.Equal(new TicketLineItem("1", 3), Assert.Single(Assert.IsType<BeginReviseTicket>(commands[2]).RevisedLineItems));
        Assert.Equal(new ReviseAuthorization(7, 42, "37.02"), commands[3]);
        Assert.Equal(new TicketLineItem("1", 3), Assert.Single(Assert.IsType<ConfirmReviseTicket>(commands[4]).RevisedLineItems));
        Assert.Equal(new NotifyConsumer(7, 42, "Order 42 revised", "Your order was revised; its new total is 37.02."), commands[6]);
        Assert.Equal<object?>([null, null, new UndoBeginReviseTicket(42), null, null, null, null], saga.Steps.Select(s => s.Compensation?.Invoke(ReviseData)));
        Assert.Equal("card declined: over the authorization limit",
            saga.Steps[3].FailureReplies[typeof(AuthorizationRevisionFailed)](new AuthorizationRevisionFailed(7, 42, "over the authorization limit")));
    }
}
