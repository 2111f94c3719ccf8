using FoodOrdering.Contracts.Consumer;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;

namespace FoodOrdering.Consumer.Messaging;

/// <summary>
/// The Consumer aggregate's domain events as the contracts other services read (published on the
/// consumer-events channel through the transactional outbox). Mapping here keeps the domain free of
/// contract types and the contracts free of domain types.
/// </summary>
public static class ConsumerEvents
{
    public static ConsumerCreated Created(ConsumerAggregate consumer) =>
        new(consumer.Id, consumer.Name.FirstName, consumer.Name.LastName, consumer.OrderLimit.ToString());
}
