namespace FoodOrdering.Messaging.Sagas;

/// <summary>What makes a saga table runnable, checked when a service registers it (a mistake stops the start-up).</summary>
public static class SagaDefinitionRules
{
    public static void Check<TData>(SagaDefinition<TData> definition)
        where TData : class
    {
        if (definition.Steps.Count == 0)
        {
            throw new InvalidOperationException($"Saga {definition.Name} has no steps.");
        }
        if (definition.Steps.Select(s => s.Name).Distinct().Count() != definition.Steps.Count)
        {
            throw new InvalidOperationException($"Saga {definition.Name} names two steps alike: the logs and the saga_instances rows would be ambiguous.");
        }
        foreach (var step in definition.Steps)
        {
            var where = $"Saga {definition.Name}, step '{step.Name}'";
            if (step.Command is not null && step.LocalAction is not null)
            {
                throw new InvalidOperationException($"{where} both sends a command and runs a local action: make them two steps.");
            }
            if (step.Command is not null && !step.OneWay && step.SuccessReplies.Count == 0)
            {
                throw new InvalidOperationException($"{where} sends a command but waits for no reply: add OnReply<TReply>(), or use Notify for a one-way command.");
            }
            if (step.OneWay && (step.SuccessReplies.Count > 0 || step.FailureReplies.Count > 0 || step.Compensation is not null))
            {
                throw new InvalidOperationException($"{where} is a one-way notification: it cannot wait for replies or be compensated.");
            }
            if (step.Command is null && (step.SuccessReplies.Count > 0 || step.FailureReplies.Count > 0))
            {
                throw new InvalidOperationException($"{where} waits for replies but sends no command.");
            }
            if (step.Compensation is not null && step.CompensationReplies.Count == 0)
            {
                throw new InvalidOperationException($"{where} compensates with a command but waits for no reply: add OnCompensated<TReply>().");
            }
            if (definition.ReplyPartitions < 1)
            {
                throw new InvalidOperationException($"Saga {definition.Name} needs at least one reply partition.");
            }
            if (step.Compensation is not null && step.LocalCompensation is not null)
            {
                throw new InvalidOperationException($"{where} has two compensations: make them two steps.");
            }
        }
    }
}
