using FoodOrdering.Contracts;

namespace FoodOrdering.Messaging;

/// <summary>
/// What a channel is on RabbitMQ, in one place for both sides: receivers declare it through MassTransit
/// (<see cref="MessagingBuilder"/>), and the message relay declares the same exchanges and queues before
/// it sends (<see cref="Relay.BrokerPublisher"/>), so a command or a reply published before its receiver
/// ever ran waits in its queue instead of vanishing. Every channel is a durable exchange:
/// <list type="bullet">
/// <item>a point-to-point channel (commands, replies): a fanout exchange and the queue of the same name;</item>
/// <item>an event channel: a fanout exchange; each subscribing service binds a queue of its own;</item>
/// <item>a sharded channel: a consistent-hash exchange over the partition queues <c>{channel}-p{k}</c>.</item>
/// </list>
/// Every queue is single-active-consumer: with several instances of a service, one consumes a queue at a
/// time, so one key's messages are still handled in order (the others stand by and take over).
/// </summary>
public static class ChannelTopology
{
    public const string FanoutExchangeType = "fanout";
    public const string HashExchangeType = "x-consistent-hash";
    public const string SingleActiveConsumerArgument = "x-single-active-consumer";

    /// <summary>The binding key of a partition on a consistent-hash exchange is its weight: all partitions are equal.</summary>
    public const string PartitionWeight = "1";

    /// <summary>Commands and replies go to exactly one queue, which must exist before the first send.</summary>
    public static bool IsPointToPoint(MessageKind kind) => kind is MessageKind.Command or MessageKind.Reply;

    public static string PartitionQueue(string channel, int partition) => $"{channel}-p{partition}";

    /// <summary>The arguments of every queue we declare (a redeclaration with other arguments is refused by RabbitMQ).</summary>
    public static Dictionary<string, object?> QueueArguments() => new() { [SingleActiveConsumerArgument] = true };
}
