using FoodOrdering.Contracts;
using FoodOrdering.Messaging.Inbox;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FoodOrdering.Messaging;

/// <summary>
/// What a service consumes, declared in its Extensions class:
/// <c>messaging.Subscribe&lt;ConsumerCreated, OpenAccountHandler&gt;("accounting")</c> (queue
/// accounting-service.consumer-events) or <c>messaging.Handle&lt;TCommand, THandler&gt;("consumer-service-commands")</c>.
/// Every handler runs inside an <see cref="IdempotentConsumer{TMessage, THandler}"/>.
/// </summary>
public sealed class MessagingBuilder(IServiceCollection services, MessagingOptions options)
{
    private readonly List<Subscription> subscriptions = [];

    /// <summary>Attempts after the first one before a failing message goes to the error queue.</summary>
    public int RetryLimit { get; set; } = 3;

    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Consumes <typeparamref name="TMessage"/> from a queue of this service: its command channel or a saga's reply channel.</summary>
    public MessagingBuilder Handle<TMessage, THandler>(string queue)
        where TMessage : class
        where THandler : class, IMessageHandler<TMessage> =>
        Add<TMessage, THandler>(queue, binding: null);

    /// <summary>Subscribes to an event channel: a queue of the subscribing service, bound to the channel.</summary>
    public MessagingBuilder Subscribe<TEvent, THandler>(string subscriberService)
        where TEvent : class
        where THandler : class, IMessageHandler<TEvent>
    {
        var channel = MessageContracts.For(typeof(TEvent)).Channel!;
        return Add<TEvent, THandler>(Channels.SubscriberQueue(subscriberService, channel), new Binding(channel, Sharded: false));
    }

    /// <summary>Consumes this instance's partitions of a sharded channel (see <see cref="ShardedChannel"/>).</summary>
    public MessagingBuilder HandleSharded<TMessage, THandler>(ShardedChannel shards)
        where TMessage : class
        where THandler : class, IMessageHandler<TMessage>
    {
        var channel = MessageContracts.For(typeof(TMessage)).Channel!;
        foreach (var partition in shards.OwnedPartitions)
        {
            Add<TMessage, THandler>(ShardedChannel.PartitionQueue(channel, partition), new Binding(channel, Sharded: true));
        }
        return this;
    }

    private MessagingBuilder Add<TMessage, THandler>(string queue, Binding? binding)
        where TMessage : class
        where THandler : class, IMessageHandler<TMessage>
    {
        services.TryAddScoped<THandler>();
        subscriptions.Add(new Subscription(queue, binding, typeof(IdempotentConsumer<TMessage, THandler>)));
        return this;
    }

    internal void AddConsumers(IBusRegistrationConfigurator bus)
    {
        foreach (var consumerType in subscriptions.Select(s => s.ConsumerType).Distinct())
        {
            bus.AddConsumer(consumerType);
        }
    }

    /// <summary>One receive endpoint (queue) per distinct queue name, consuming in order, with bounded retries.</summary>
    internal void ConfigureReceiveEndpoints(IRabbitMqBusFactoryConfigurator bus, IBusRegistrationContext context)
    {
        foreach (var queue in subscriptions.GroupBy(s => s.Queue))
        {
            bus.ReceiveEndpoint(options.ChannelPrefix + queue.Key, endpoint =>
            {
                // Our channels are explicit: no exchange per .NET message type bound to every queue.
                endpoint.ConfigureConsumeTopology = false;
                foreach (var binding in queue.Select(s => s.Binding).OfType<Binding>().Distinct())
                {
                    if (binding.Sharded)
                    {
                        // The binding key of a consistent-hash exchange is the partition's weight: all equal.
                        endpoint.Bind(options.ChannelPrefix + binding.Channel, exchange =>
                        {
                            exchange.ExchangeType = ShardedChannel.ExchangeType;
                            exchange.RoutingKey = "1";
                        });
                        endpoint.SingleActiveConsumer = true;
                    }
                    else
                    {
                        endpoint.Bind(options.ChannelPrefix + binding.Channel);
                    }
                }
                // One message at a time keeps each key's messages in order (chapter 3, "preserving message ordering").
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.UseMessageRetry(retry => retry.Interval(RetryLimit, RetryInterval));
                endpoint.ConfigureDeadLetter(deadLetter => deadLetter.UseFilter(new UnknownMessageTypeFilter()));
                foreach (var subscription in queue)
                {
                    endpoint.ConfigureConsumer(context, subscription.ConsumerType);
                }
            });
        }
    }

    /// <summary>The channel (exchange) a queue is bound to, besides the exchange of its own name.</summary>
    private sealed record Binding(string Channel, bool Sharded);

    private sealed record Subscription(string Queue, Binding? Binding, Type ConsumerType);
}
