using FoodOrdering.Messaging;
using RabbitMQ.Client;

namespace FoodOrdering.OrderingLab;

/// <summary>One queue an instance consumes; <paramref name="Label"/> names it in the output (the partition, or nothing).</summary>
public sealed record ConsumedQueue(string Queue, string Label);

/// <summary>
/// A receiver set-up on RabbitMQ: the exchange the order's messages are published to (routing key = the
/// order id), the queues behind it with their arguments, and which queues each instance consumes.
/// </summary>
public sealed record ReceiverSetup(
    string Title,
    string Description,
    string Exchange,
    string ExchangeType,
    string BindingKey,
    IReadOnlyList<string> Queues,
    IDictionary<string, object?>? QueueArguments,
    Func<int, IReadOnlyList<ConsumedQueue>> ConsumedBy)
{
    /// <summary>
    /// A plain shared queue: one queue, every instance consumes it, no <c>x-single-active-consumer</c>, so
    /// RabbitMQ hands the messages round-robin to whichever instance has room.
    /// </summary>
    public static ReceiverSetup PlainSharedQueue(string run, LabOptions options)
    {
        var queue = $"{run}-plain";
        return new ReceiverSetup("plain shared queue",
            $"exchange {queue} (fanout) -> queue {queue}, no single active consumer; every instance consumes it",
            queue, ChannelTopology.FanoutExchangeType, BindingKey: "", [queue], QueueArguments: null,
            _ => [new ConsumedQueue(queue, "")]);
    }

    /// <summary>
    /// The sharded channel as the services declare it (<see cref="ChannelTopology"/>): a consistent-hash
    /// exchange over the partition queues <c>{channel}-p{k}</c>, each single-active-consumer, and instance i
    /// of n consuming the partitions <see cref="ShardedChannel.OwnedPartitions"/> gives it.
    /// </summary>
    public static ReceiverSetup ShardedChannelByOrderId(string run, LabOptions options)
    {
        var channel = $"{run}-orders";
        var partitions = Enumerable.Range(0, options.Partitions).ToArray();
        var owned = Enumerable.Range(0, options.Instances)
            .Select(i => string.Join(",", new ShardedChannel(i, options.Instances).OwnedPartitions(options.Partitions).Select(k => $"p{k}")));
        return new ReceiverSetup("sharded channel",
            $"exchange {channel} ({ChannelTopology.HashExchangeType}, key = order id) -> partitions "
                + $"{channel}-p0{(options.Partitions > 1 ? $"..p{options.Partitions - 1}" : "")}, each {ChannelTopology.SingleActiveConsumerArgument}; "
                + string.Join(", ", owned.Select((partitionsOfInstance, i) => $"instance {i} consumes {(partitionsOfInstance.Length > 0 ? partitionsOfInstance : "none")}")),
            channel, ChannelTopology.HashExchangeType, ChannelTopology.PartitionWeight,
            [.. partitions.Select(k => ChannelTopology.PartitionQueue(channel, k))], ChannelTopology.QueueArguments(),
            instance => [.. new ShardedChannel(instance, options.Instances).OwnedPartitions(options.Partitions)
                .Select(k => new ConsumedQueue(ChannelTopology.PartitionQueue(channel, k), $" (partition p{k})"))]);
    }

    /// <summary>
    /// Declares the exchange and queues, for this run only: not durable, auto-deleted (gone with this process
    /// even if it dies), and deleted explicitly at the end (<see cref="DeleteAsync"/>).
    /// </summary>
    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType, durable: false, autoDelete: true, cancellationToken: cancellationToken);
        foreach (var queue in Queues)
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true,
                QueueArguments is null ? null : new Dictionary<string, object?>(QueueArguments), cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, Exchange, BindingKey, cancellationToken: cancellationToken);
        }
    }

    public async Task DeleteAsync(IChannel channel, CancellationToken cancellationToken)
    {
        foreach (var queue in Queues)
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
        }
        await channel.ExchangeDeleteAsync(Exchange, cancellationToken: cancellationToken);
    }
}
