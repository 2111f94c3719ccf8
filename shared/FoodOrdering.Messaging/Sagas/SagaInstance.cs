namespace FoodOrdering.Messaging.Sagas;

/// <summary>Where a saga instance stands.</summary>
public enum SagaStatus
{
    /// <summary>Going forward, waiting for the reply of <see cref="SagaInstance.Step"/>.</summary>
    Running,

    /// <summary>A step failed: undoing the steps before it, in reverse.</summary>
    Compensating,

    /// <summary>Every step done.</summary>
    Succeeded,

    /// <summary>A step failed and every earlier step was undone (<see cref="SagaInstance.FailureReason"/> says why).</summary>
    Failed,
}

/// <summary>
/// One running (or finished) saga: a row of saga_instances in the orchestrating service's database,
/// changed in the same transaction as the inbox row of the reply that moved it and the outbox row of the
/// next command. Its id is the correlation id of every command it sends.
/// </summary>
public sealed class SagaInstance
{
    public required Guid Id { get; init; }

    /// <summary>The definition's name, e.g. "create-order".</summary>
    public required string SagaType { get; init; }

    /// <summary>The key of every command it sends (e.g. the order id): one instance's commands stay in order.</summary>
    public required string Key { get; init; }

    /// <summary>The index of the step it waits for (or compensates).</summary>
    public int Step { get; set; }

    public SagaStatus Status { get; set; }

    /// <summary>The saga's data, as JSON.</summary>
    public required string Data { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>Optimistic concurrency: two replies can never both move one instance.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsFinished => Status is SagaStatus.Succeeded or SagaStatus.Failed;
}
