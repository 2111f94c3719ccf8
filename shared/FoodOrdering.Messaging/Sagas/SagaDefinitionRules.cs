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
        foreach (var step in definition.Steps)
        {
            var where = $"Saga {definition.Name}, step '{step.Name}'";
            if (step.Command is not null && step.LocalAction is not null)
            {
                throw new InvalidOperationException($"{where} both sends a command and runs a local action: make them two steps.");
            }
            if (step.Command is not null && step.SuccessReplies.Count == 0)
            {
                throw new InvalidOperationException($"{where} sends a command but waits for no reply: add OnReply<TReply>().");
            }
            if (step.Command is null && (step.SuccessReplies.Count > 0 || step.FailureReplies.Count > 0))
            {
                throw new InvalidOperationException($"{where} waits for replies but sends no command.");
            }
            if (step.Compensation is not null && step.CompensationReplies.Count == 0)
            {
                throw new InvalidOperationException($"{where} compensates with a command but waits for no reply: add OnCompensated<TReply>().");
            }
            if (step.Compensation is not null && step.LocalCompensation is not null)
            {
                throw new InvalidOperationException($"{where} has two compensations: make them two steps.");
            }
        }
    }
}
