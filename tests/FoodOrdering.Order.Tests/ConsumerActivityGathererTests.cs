using FoodOrdering.Contracts.Activity;
using FoodOrdering.Order.Application;

namespace FoodOrdering.Order.Tests;

/// <summary>The aggregator of the scatter-gather: by correlation id, first answer per part, time limit, late replies discarded.</summary>
public sealed class ConsumerActivityGathererTests
{
    private static readonly ConsumerOrders Orders = new(7, []);
    private static readonly ConsumerTickets Tickets = new(7, []);
    private static readonly ConsumerAuthorizations Authorizations = new(7, []);

    [Fact]
    public async Task The_wait_ends_as_soon_as_every_part_answered()
    {
        var gatherer = new ConsumerActivityGatherer();
        var correlationId = Guid.NewGuid();
        using var gathering = gatherer.Open(correlationId);

        Assert.True(gatherer.Offer(correlationId, "order", Orders));
        Assert.True(gatherer.Offer(correlationId, "kitchen", Tickets));
        Assert.True(gatherer.Offer(correlationId, "accounting", Authorizations));
        await gathering.WaitAsync(TimeSpan.FromDays(1), CancellationToken.None); // would hang the test if it waited for the limit

        Assert.Empty(gathering.Missing);
        Assert.Same(Tickets, gathering.Reply<ConsumerTickets>("kitchen"));
    }

    [Fact]
    public async Task The_time_limit_ends_the_wait_and_names_the_parts_that_did_not_answer()
    {
        var gatherer = new ConsumerActivityGatherer();
        var correlationId = Guid.NewGuid();
        using var gathering = gatherer.Open(correlationId);
        gatherer.Offer(correlationId, "order", Orders);

        await gathering.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(["kitchen", "accounting"], gathering.Missing);
        Assert.Null(gathering.Reply<ConsumerTickets>("kitchen"));
    }

    [Fact]
    public void Replies_of_another_request_a_duplicate_and_a_late_reply_are_discarded()
    {
        var gatherer = new ConsumerActivityGatherer();
        var correlationId = Guid.NewGuid();
        var gathering = gatherer.Open(correlationId);

        Assert.False(gatherer.Offer(Guid.NewGuid(), "kitchen", Tickets)); // not asked by this process
        Assert.True(gatherer.Offer(correlationId, "order", Orders));
        Assert.False(gatherer.Offer(correlationId, "order", new ConsumerOrders(7, [new ConsumerOrder(1, 2, "APPROVED", "1.00")]))); // a duplicate
        Assert.Same(Orders, gathering.Reply<ConsumerOrders>("order"));
        gathering.Dispose(); // the request answered

        Assert.False(gatherer.Offer(correlationId, "kitchen", Tickets)); // late
        Assert.Null(gathering.Reply<ConsumerTickets>("kitchen"));
    }
}
