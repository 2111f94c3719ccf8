using FoodOrdering.Domain;

namespace FoodOrdering.Consumer.Domain;

/// <summary>
/// The Consumer aggregate: someone who places orders. Its one business rule for the rest of the
/// system: an order may not cost more than the consumer's order limit (checked when the Order
/// service asks "ValidateOrderByConsumer" during CreateOrderSaga).
/// </summary>
public sealed class Consumer
{
    /// <summary>The limit a consumer gets when signing up without naming one.</summary>
    public static readonly Money DefaultOrderLimit = new(1000.00m);

    // For EF Core, which materialises the owned PersonName after construction.
    private Consumer() => Name = null!;

    private Consumer(PersonName name, Money orderLimit)
    {
        Name = name;
        OrderLimit = orderLimit;
    }

    public long Id { get; private set; }
    public PersonName Name { get; private set; }
    public Money OrderLimit { get; private set; }

    public static Consumer Create(PersonName name, Money? orderLimit = null)
    {
        var limit = orderLimit ?? DefaultOrderLimit;
        if (limit <= Money.Zero)
        {
            throw new DomainException("The order limit must be greater than zero.");
        }
        return new Consumer(name, limit);
    }

    /// <summary>Throws <see cref="OrderLimitExceededException"/> when the order total is over the limit.</summary>
    public void ValidateOrderByConsumer(Money orderTotal)
    {
        if (orderTotal > OrderLimit)
        {
            throw new OrderLimitExceededException(Id, orderTotal, OrderLimit);
        }
    }
}

public sealed record PersonName(string FirstName, string LastName);

public sealed class OrderLimitExceededException(long consumerId, Money orderTotal, Money orderLimit)
    : DomainException($"Order total {orderTotal} exceeds the order limit {orderLimit} of consumer {consumerId}.");
