namespace FoodOrdering.Messaging;

/// <summary>
/// Sharded channel (chapter 3, "competing receivers and message ordering"). The channel is a RabbitMQ
/// consistent-hash exchange: it hashes each message's key (the routing key, e.g. the order id) onto one
/// of N partition queues <c>{channel}-p{k}</c>, so one key always lands on one partition. Each partition
/// queue is single-active-consumer and consumed one message at a time, so one key's messages are handled
/// in order by one instance, while N partitions spread the keys over the instances. N is the contract's
/// <c>[Message(Partitions = N)]</c>, which the sender also reads to declare the partitions before its first send.
/// Assignment is static: instance i of n consumes the partitions k with k % n == i. A replica started with
/// the same instance index is a hot standby (single active consumer hands it the partitions if the first
/// one dies). Nothing rebalances when instances come and go: that is a deployment decision.
/// </summary>
public sealed record ShardedChannel(int Instance, int Instances)
{
    public IEnumerable<int> OwnedPartitions(int partitions) => Enumerable.Range(0, partitions).Where(k => k % Instances == Instance);
}
