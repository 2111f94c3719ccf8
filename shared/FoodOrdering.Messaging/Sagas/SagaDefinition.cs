namespace FoodOrdering.Messaging.Sagas;

/// <summary>
/// An orchestration-based saga (chapter 4 of the book, built on chapter 3's asynchronous request/response):
/// the definition is a table of steps, in order, each either local (a change in this service's database)
/// or a command to a participant with the replies it waits for, and what undoes it. A service writes the
/// table, e.g. CreateOrderSaga in services/Order; <see cref="SagaOrchestrator{TSaga, TData}"/> runs it
/// (persisted instance, correlation by saga id, the next step on each reply, compensation in reverse).
/// <code>
/// Step("create ticket")
///     .Send(data => new CreateTicket(...))                       // to the command's channel, keyed by the saga's key
///     .OnReply&lt;TicketCreated&gt;((data, reply) => data.TicketId = reply.TicketId)
///     .FailsOn&lt;TicketCreationFailed&gt;(reply => reply.Reason)      // then compensate the steps before, in reverse
///     .Compensate(data => new CancelCreateTicket(...)).OnCompensated&lt;TicketCancelled&gt;();
/// Step("approve order").Local&lt;OrderSagaActions&gt;((orders, data) => orders.ApproveAsync(data));
/// Step("notify consumer").Notify(data => new NotifyConsumer(...));  // one-way: sent, not answered
/// </code>
/// </summary>
/// <typeparam name="TData">What the saga remembers between steps (stored as JSON with the instance).</typeparam>
public abstract class SagaDefinition<TData>
    where TData : class
{
    private readonly List<SagaStep<TData>> steps = [];

    /// <summary>The saga's name, e.g. "create-order": its reply channel is "create-order-saga-replies".</summary>
    public abstract string Name { get; }

    /// <summary>Where participants reply (the book's reply channel per saga type).</summary>
    public string ReplyChannel => $"{Name}-saga-replies";

    /// <summary>
    /// The reply channel is split into this many point-to-point queues, <c>{ReplyChannel}-p{k}</c>: each
    /// saga's replies always use the queue of its key, so one saga's replies are handled in order, while
    /// the replies of different sagas are handled in parallel (one queue handles one message at a time).
    /// </summary>
    public virtual int ReplyPartitions => 8;

    /// <summary>The reply queue of the sagas of <paramref name="key"/> (e.g. an order id): a stable hash, the same in every process.</summary>
    public string ReplyChannelFor(string key) => ChannelTopology.PartitionQueue(ReplyChannel, (int)(StableHash.Of(key) % (uint)ReplyPartitions));

    public IReadOnlyList<SagaStep<TData>> Steps => steps;

    /// <summary>Every reply type a step or a compensation waits for: the reply channel's consumers.</summary>
    public IEnumerable<Type> ReplyTypes =>
        steps.SelectMany(s => s.SuccessReplies.Keys.Concat(s.FailureReplies.Keys).Concat(s.CompensationReplies)).Distinct();

    protected StepBuilder Step(string name)
    {
        var step = new SagaStep<TData>(name);
        steps.Add(step);
        return new StepBuilder(step);
    }

    /// <summary>Says what one step does, in the order a reader reads the book's table.</summary>
    public sealed class StepBuilder(SagaStep<TData> step)
    {
        /// <summary>The step sends this command to its participant (the channel comes from the contract).</summary>
        public StepBuilder Send<TCommand>(Func<TData, TCommand> command)
            where TCommand : class
        {
            step.Command = data => command(data);
            return this;
        }

        /// <summary>
        /// The step sends a one-way command (a notification, e.g. NotifyConsumer): no reply channel, nothing
        /// to wait for, the saga goes straight on to the next step.
        /// </summary>
        public StepBuilder Notify<TCommand>(Func<TData, TCommand> command)
            where TCommand : class
        {
            step.Command = data => command(data);
            step.OneWay = true;
            return this;
        }

        /// <summary>A reply that means the participant did it; <paramref name="handle"/> keeps what the saga needs from it.</summary>
        public StepBuilder OnReply<TReply>(Action<TData, TReply>? handle = null)
            where TReply : class
        {
            step.SuccessReplies[typeof(TReply)] = (data, reply) => handle?.Invoke(data, (TReply)reply);
            return this;
        }

        /// <summary>A reply that means the participant refused: the saga compensates the steps before this one and fails with the reason.</summary>
        public StepBuilder FailsOn<TReply>(Func<TReply, string> reason)
            where TReply : class
        {
            step.FailureReplies[typeof(TReply)] = reply => reason((TReply)reply);
            return this;
        }

        /// <summary>The command that undoes this step if a later one fails.</summary>
        public StepBuilder Compensate<TCommand>(Func<TData, TCommand> command)
            where TCommand : class
        {
            step.Compensation = data => command(data);
            return this;
        }

        /// <summary>The reply that says the compensation is done.</summary>
        public StepBuilder OnCompensated<TReply>()
            where TReply : class
        {
            step.CompensationReplies.Add(typeof(TReply));
            return this;
        }

        /// <summary>
        /// A local step: a change in this service, in the same transaction as the saga's progress. A
        /// <see cref="FoodOrdering.Domain.DomainException"/> from it fails the step like a refusal.
        /// </summary>
        public StepBuilder Local<TService>(Func<TService, TData, Task> action)
            where TService : notnull
        {
            step.LocalAction = (services, data) => action(Resolve<TService>(services), data);
            return this;
        }

        /// <summary>What undoes a step locally (e.g. reject the order) when a later step fails.</summary>
        public StepBuilder CompensateLocally<TService>(Func<TService, TData, string, Task> compensation)
            where TService : notnull
        {
            step.LocalCompensation = (services, data, reason) => compensation(Resolve<TService>(services), data, reason);
            return this;
        }

        private static TService Resolve<TService>(IServiceProvider services)
            where TService : notnull =>
            (TService)(services.GetService(typeof(TService))
                ?? throw new InvalidOperationException($"A saga step needs {typeof(TService).Name}: register it in the service."));
    }
}

/// <summary>One row of a saga's table.</summary>
public sealed class SagaStep<TData>(string name)
    where TData : class
{
    public string Name { get; } = name;
    public Func<TData, object>? Command { get; internal set; }
    public Dictionary<Type, Action<TData, object>> SuccessReplies { get; } = [];
    public Dictionary<Type, Func<object, string>> FailureReplies { get; } = [];
    public Func<TData, object>? Compensation { get; internal set; }
    public List<Type> CompensationReplies { get; } = [];
    public Func<IServiceProvider, TData, Task>? LocalAction { get; internal set; }
    public Func<IServiceProvider, TData, string, Task>? LocalCompensation { get; internal set; }

    /// <summary>A notification: sent, never answered.</summary>
    public bool OneWay { get; internal set; }

    public bool IsRemote => Command is not null;
}
