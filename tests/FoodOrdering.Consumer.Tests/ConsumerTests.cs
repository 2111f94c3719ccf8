using FoodOrdering.Consumer.Domain;
using FoodOrdering.Domain;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;

namespace FoodOrdering.Consumer.Tests;

/// <summary>The Consumer aggregate's rules, without any infrastructure.</summary>
public sealed class ConsumerTests
{
    private static readonly PersonName Ada = new("Ada", "Lovelace");

    [Fact]
    public void A_consumer_without_an_order_limit_gets_the_default_limit() =>
        Assert.Equal(ConsumerAggregate.DefaultOrderLimit, ConsumerAggregate.Create(Ada).OrderLimit);

    [Fact]
    public void An_order_limit_of_zero_is_refused() =>
        Assert.Throws<DomainException>(() => ConsumerAggregate.Create(Ada, Money.Zero));

    [Fact]
    public void An_order_up_to_the_limit_is_valid() =>
        ConsumerAggregate.Create(Ada, new Money(50m)).ValidateOrderByConsumer(new Money(50m));

    [Fact]
    public void An_order_over_the_limit_is_refused()
    {
        var consumer = ConsumerAggregate.Create(Ada, new Money(50m));
        var error = Assert.Throws<OrderLimitExceededException>(() => consumer.ValidateOrderByConsumer(new Money(50.01m)));
        Assert.Contains("50.01", error.Message);
    }
}
