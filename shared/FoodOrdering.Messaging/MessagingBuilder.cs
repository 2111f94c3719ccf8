using FoodOrdering.Contracts;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FoodOrdering.Messaging;

/// <summary>
/// What a service consumes, declared in its Extensions class:
/// <c>messaging.Subscribe&lt;ConsumerCreated, OpenAccountHandler&gt;("accounting")</c> (queue
/// accounting-service.consumer-events), <c>messaging.Handle&lt;TCommand, THandler&gt;()</c> (the command's
/// channel), <c>messaging.HandleReply&lt;TReply, THandler&gt;("create-order-saga-replies")</c> or
/// <c>messaging.HandleSharded&lt;TCommand, THandler&gt;(new ShardedChannel(instance, instances))</c>.
/// Every handler runs inside an <see cref="IdempotentConsumer{TMessage, THandler}"/>; a declaration that
/// does not fit the contract's kind, or a handler name used twice, stops the start-up.
/// Every queue keeps one key's messages in order, with one instance or several: one message at a time,
/// one active consumer per queue (<see cref="ChannelTopology"/>), and failures retried in place.
/// </summary>
public sealed class MessagingBuilder(IServiceCollection services, MessagingOptions options)
{
    /// <summary>Names this process's own queues (<see cref="HandleQueryReply{TReply, THandler}"/>).</summary>
    private static readonly string InstanceId = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    private readonly List<Subscription> subscriptions = [];

    /// <summary>Attempts after the first one before a message that fails for good goes to the error queue.</summary>
    public int RetryLimit { get; set; } = 3;

    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first pause after a transient failure (database restarting, deadlock); it doubles up to <see cref="TransientRetryMaxInterval"/>.</summary>
    public TimeSpan TransientRetryInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan TransientRetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consumes a command from its command channel (the queue of that channel's name).</summary>
    public MessagingBuilder Handle<TCommand, THandler>()
        where TCommand : class
        where THandler : class, IMessageHandler<TCommand>
    {
        var contract = Expect<TCommand>(MessageKind.Command, "Handle");
        if (contract.Sharded)
        {
            throw new InvalidOperationException($"{contract.Name} travels on a sharded channel: consume it with HandleSharded.");
        }
        return Add<TCommand, THandler>(contract.Channel!, binding: null);
    }

    /// <summary>Consumes a reply from a reply channel of this service (e.g. its saga's), the channel its commands name.</summary>
    public MessagingBuilder HandleReply<TReply, THandler>(string replyChannel)
        where TReply : class
        where THandler : class, IMessageHandler<TReply>
    {
        Expect<TReply>(MessageKind.Reply, "HandleReply");
        return Add<TReply, THandler>(replyChannel, binding: null);
    }

    /// <summary>
    /// Subscribes to an event channel, or to a query channel (publish/async responses; the handler answers
    /// with <see cref="Outbox.TransactionalOutbox.Reply"/>): a queue of the subscribing service, bound to the channel.
    /// </summary>
    public MessagingBuilder Subscribe<TEvent, THandler>(string subscriberService)
        where TEvent : class
        where THandler : class, IMessageHandler<TEvent>
    {
        var contract = MessageContracts.For(typeof(TEvent));
        var channel = (contract.Kind is MessageKind.Event or MessageKind.Query
            ? contract
            : throw new InvalidOperationException($"Subscribe takes an Event or a Query contract; {contract.Name} is a {contract.Kind}.")).Channel!;
        return Add<TEvent, THandler>(Channels.SubscriberQueue(subscriberService, channel), new Binding(channel, Sharded: false));
    }

    /// <summary>
    /// Consumes the replies to this service's queries (publish/async responses) from its reply channel,
    /// WITHOUT the inbox: such a reply changes no data (it completes a request waiting in memory), so a
    /// duplicate or a late one is dropped by its gatherer and there is nothing to deduplicate in the database.
    /// The request waits in ONE process, whichever instance served it, so every instance also reads a
    /// copy of every reply from a queue of its own (auto-deleted when the process goes), bound to the reply
    /// channel; the channel's own queue (which the relays declare before they send) is drained too.
    /// </summary>
    public MessagingBuilder HandleQueryReply<TReply, THandler>(string replyChannel)
        where TReply : class
        where THandler : class, IMessageHandler<TReply>
    {
        Expect<TReply>(MessageKind.Reply, "HandleQueryReply");
        services.TryAddScoped<THandler>();
        var consumerType = typeof(QueryReplyConsumer<TReply, THandler>);
        subscriptions.Add(new Subscription(replyChannel, null, consumerType, THandler.Name, typeof(THandler)));
        subscriptions.Add(new Subscription($"{replyChannel}.{InstanceId}", new Binding(replyChannel, Sharded: false), consumerType, THandler.Name,
            typeof(THandler), Temporary: true));
        return this;
    }

    /// <summary>Consumes this instance's partitions of a sharded channel (see <see cref="ShardedChannel"/>).</summary>
    public MessagingBuilder HandleSharded<TMessage, THandler>(ShardedChannel shards)
        where TMessage : class
        where THandler : class, IMessageHandler<TMessage>
    {
        var contract = MessageContracts.For(typeof(TMessage));
        if (!contract.Sharded || contract.Kind == MessageKind.Reply)
        {
            throw new InvalidOperationException($"HandleSharded needs a contract on a sharded channel ([Message(..., Partitions = N)]); {contract.Name} is not one.");
        }
        foreach (var partition in shards.OwnedPartitions(contract.Partitions))
        {
            Add<TMessage, THandler>(ChannelTopology.PartitionQueue(contract.Channel!, partition), new Binding(contract.Channel!, Sharded: true));
        }
        return this;
    }

    /// <summary>
    /// Orchestrates sagas of <typeparamref name="TSaga"/>: registers the definition, its
    /// <see cref="SagaOrchestrator{TSaga, TData}"/> (inject it to start one), and consumers on the saga's
    /// reply queues (<see cref="Sagas.SagaDefinition{TData}.ReplyPartitions"/>) for every reply type the
    /// definition waits for. With several instances of the service, pass each its <paramref name="shards"/>
    /// (instance i of n consumes the reply queues k with k % n == i), as for a sharded channel.
    /// </summary>
    public MessagingBuilder AddSaga<TSaga, TData>(ShardedChannel? shards = null)
        where TSaga : Sagas.SagaDefinition<TData>, new()
        where TData : class
    {
        var definition = new TSaga();
        SagaDefinitionRules.Check(definition);
        services.AddSingleton(definition);
        services.TryAddScoped<SagaOrchestrator<TSaga, TData>>();
        var partitions = (shards ?? new ShardedChannel(0, 1)).OwnedPartitions(definition.ReplyPartitions).ToList();
        foreach (var replyType in definition.ReplyTypes)
        {
            var contract = MessageContracts.For(replyType);
            if (contract.Kind != MessageKind.Reply)
            {
                throw new InvalidOperationException($"{definition.Name} waits for {contract.Name}, which is a {contract.Kind}, not a reply.");
            }
            var handlerType = typeof(SagaReplyHandler<,,>).MakeGenericType(typeof(TSaga), typeof(TData), replyType);
            services.TryAddScoped(handlerType);
            var consumerType = typeof(IdempotentConsumer<,>).MakeGenericType(replyType, handlerType);
            foreach (var partition in partitions)
            {
                subscriptions.Add(new Subscription(ChannelTopology.PartitionQueue(definition.ReplyChannel, partition), null, consumerType,
                    $"saga.{typeof(TSaga).Name}.{replyType.Name}", handlerType));
            }
        }
        return this;
    }

    private static MessageContract Expect<TMessage>(MessageKind kind, string method)
    {
        var contract = MessageContracts.For(typeof(TMessage));
        return contract.Kind == kind
            ? contract
            : throw new InvalidOperationException($"{method} takes a {kind} contract; {contract.Name} is a {contract.Kind}.");
    }

    private MessagingBuilder Add<TMessage, THandler>(string queue, Binding? binding)
        where TMessage : class
        where THandler : class, IMessageHandler<TMessage>
    {
        if (subscriptions.FirstOrDefault(s => s.HandlerName == THandler.Name && s.HandlerType != typeof(THandler)) is { } clash)
        {
            throw new InvalidOperationException(
                $"{typeof(THandler).Name} and {clash.HandlerType.Name} are both named '{THandler.Name}': the inbox would mix up their processed messages.");
        }
        services.TryAddScoped<THandler>();
        subscriptions.Add(new Subscription(queue, binding, typeof(IdempotentConsumer<TMessage, THandler>), THandler.Name, typeof(THandler)));
        return this;
    }

    internal void AddConsumers(IBusRegistrationConfigurator bus)
    {
        foreach (var consumerType in subscriptions.Select(s => s.ConsumerType).Distinct())
        {
            bus.AddConsumer(consumerType);
        }
    }

    /// <summary>One receive endpoint (queue) per distinct queue name.</summary>
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
                        endpoint.Bind(options.ChannelPrefix + binding.Channel, exchange =>
                        {
                            exchange.ExchangeType = ChannelTopology.HashExchangeType;
                            exchange.RoutingKey = ChannelTopology.PartitionWeight;
                        });
                    }
                    else
                    {
                        endpoint.Bind(options.ChannelPrefix + binding.Channel);
                    }
                }
                // One key's messages in order (chapter 3, "preserving message ordering"): one message at a
                // time, and one active consumer per queue however many instances run (the same queue
                // arguments as the relay declares: ChannelTopology).
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.SingleActiveConsumer = true;
                if (queue.Any(s => s.Temporary))
                {
                    // A queue of this process only: gone with it, so no queue fills up for an instance that left.
                    endpoint.Durable = false;
                    endpoint.AutoDelete = true;
                }

                // A transient failure (the database restarting or failing over, a deadlock) pauses the queue,
                // retrying the same message with growing pauses for as long as it lasts: nothing good goes to
                // the error queue, and no later message of the key overtakes it.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Exponential(int.MaxValue, TransientRetryInterval, TransientRetryMaxInterval, TransientRetryInterval);
                    retry.Handle<Exception>(TransientFailures.IsTransient);
                });
                // Anything else (a bug, a message that breaks a rule) gets a few more tries, then goes to
                // {queue}_error with the exception as the reason, and the queue moves on.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Interval(RetryLimit, RetryInterval);
                    retry.Ignore<Exception>(TransientFailures.IsTransient);
                });
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

    private sealed record Subscription(string Queue, Binding? Binding, Type ConsumerType, string HandlerName, Type HandlerType, bool Temporary = false);
}
