using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Messaging.Tests;

/// <summary>A saga table that cannot run stops the service's start-up, with a sentence saying why.</summary>
public sealed class SagaDefinitionRulesTests
{
    static SagaDefinitionRulesTests() => MessageContracts.AddFrom(typeof(ProofEvent).Assembly);

    [Fact]
    public void The_proof_saga_is_a_valid_table() => SagaDefinitionRules.Check(new ProofOrderSaga());

    [Theory]
    [InlineData(nameof(NoSteps), "has no steps")]
    [InlineData(nameof(CommandWithoutReply), "waits for no reply")]
    [InlineData(nameof(NotificationWithReply), "one-way notification")]
    [InlineData(nameof(CompensationWithoutReply), "compensates with a command but waits for no reply")]
    [InlineData(nameof(TwoStepsAlike), "names two steps alike")]
    [InlineData(nameof(CommandAndLocalAction), "both sends a command and runs a local action")]
    public void A_table_that_cannot_run_is_refused(string saga, string because)
    {
        var definition = (SagaDefinition<ProofOrderData>)Activator.CreateInstance(typeof(SagaDefinitionRulesTests).GetNestedType(saga)!)!;

        Assert.Contains(because, Assert.Throws<InvalidOperationException>(() => SagaDefinitionRules.Check(definition)).Message);
    }

    [Fact]
    public void Waiting_for_a_message_that_is_not_a_reply_stops_the_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new MessagingBuilder(new ServiceCollection(), new MessagingOptions()).AddSaga<WaitsForAnEvent, ProofOrderData>());

        Assert.Contains("waits for ProofEvent, which is a Event, not a reply", error.Message);
    }

    [Fact]
    public void Each_key_always_has_the_same_reply_queue_and_keys_spread_over_all_of_them()
    {
        var saga = new ProofOrderSaga();

        Assert.Equal(saga.ReplyChannelFor("order-42"), new ProofOrderSaga().ReplyChannelFor("order-42"));
        Assert.Matches("^proof-order-saga-replies-p[0-7]$", saga.ReplyChannelFor("order-42"));
        Assert.Equal(8, Enumerable.Range(0, 200).Select(i => saga.ReplyChannelFor(i.ToString())).Distinct().Count());
    }

    public sealed class NoSteps : SagaDefinition<ProofOrderData>
    {
        public override string Name => "no-steps";
    }

    public sealed class CommandWithoutReply : SagaDefinition<ProofOrderData>
    {
        public override string Name => "command-without-reply";
        public CommandWithoutReply() => Step("ship").Send(d => new ShipProofOrder(d.OrderKey, d.Amount));
    }

    public sealed class NotificationWithReply : SagaDefinition<ProofOrderData>
    {
        public override string Name => "notification-with-reply";
        public NotificationWithReply() => Step("notify").Notify(d => new ProofOrderNotification(d.OrderKey, "x")).OnReply<ProofOrderShipped>();
    }

    public sealed class CompensationWithoutReply : SagaDefinition<ProofOrderData>
    {
        public override string Name => "compensation-without-reply";
        public CompensationWithoutReply() => Step("reserve")
            .Send(d => new ReserveProofCredit(d.OrderKey, d.Amount)).OnReply<ProofCreditReserved>()
            .Compensate(d => new ReleaseProofCredit(d.OrderKey));
    }

    public sealed class TwoStepsAlike : SagaDefinition<ProofOrderData>
    {
        public override string Name => "two-steps-alike";
        public TwoStepsAlike()
        {
            Step("ship").Send(d => new ShipProofOrder(d.OrderKey, d.Amount)).OnReply<ProofOrderShipped>();
            Step("ship").Send(d => new ShipProofOrder(d.OrderKey, d.Amount)).OnReply<ProofOrderShipped>();
        }
    }

    public sealed class CommandAndLocalAction : SagaDefinition<ProofOrderData>
    {
        public override string Name => "command-and-local-action";
        public CommandAndLocalAction() => Step("ship")
            .Send(d => new ShipProofOrder(d.OrderKey, d.Amount)).OnReply<ProofOrderShipped>()
            .Local<ProofDbContext>((_, _) => Task.CompletedTask);
    }

    public sealed class WaitsForAnEvent : SagaDefinition<ProofOrderData>
    {
        public override string Name => "waits-for-an-event";
        public WaitsForAnEvent() => Step("ship").Send(d => new ShipProofOrder(d.OrderKey, d.Amount)).OnReply<ProofEvent>();
    }
}
