using System.Text.Json;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Sagas;

/// <summary>
/// Runs the sagas of one definition (orchestration, the book's saga orchestrator). Everything happens in
/// the caller's database transaction, through its DbContext: starting a saga adds its instance and its
/// first command to the outbox with the business change that started it (respond first, finish later);
/// each reply is handled inside the inbox transaction of that reply, which also saves the instance's new
/// step and the outbox row of the next command. So a saga never half-advances: a crash before the commit
/// redelivers the reply, a crash after it has already sent the next command.
/// Commands carry the saga's key (e.g. the order id) and its id as correlation id; participants reply on
/// the definition's reply channel with that correlation id. A reply for an unknown or finished saga, or one
/// the current step does not wait for (a late duplicate), is logged and ignored.
/// </summary>
public sealed class SagaOrchestrator<TSaga, TData>(TSaga definition, DbContext db, TransactionalOutbox outbox, IServiceProvider services,
    MessagingMetrics metrics, ILogger<SagaOrchestrator<TSaga, TData>> logger)
    where TSaga : SagaDefinition<TData>
    where TData : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Starts a saga in the caller's transaction (its SaveChanges stores the instance and the first
    /// command); returns the saga's id. Local steps before the first command run now.
    /// </summary>
    public async Task<Guid> StartAsync(TData data, string key, CancellationToken cancellationToken = default)
    {
        var instance = new SagaInstance
        {
            Id = Guid.NewGuid(),
            SagaType = definition.Name,
            Key = key,
            Status = SagaStatus.Running,
            Data = "{}",
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Set<SagaInstance>().Add(instance);
        logger.LogInformation("{Saga} {SagaId} started for {Key}", definition.Name, instance.Id, key);
        await ExecuteFromAsync(instance, data, 0);
        instance.Data = JsonSerializer.Serialize(data, Json);
        return instance.Id;
    }

    /// <summary>Moves the saga the reply belongs to (its correlation id) one step, forward or back.</summary>
    public async Task HandleReplyAsync<TReply>(IncomingMessage<TReply> reply, CancellationToken cancellationToken)
        where TReply : class
    {
        var instance = await db.Set<SagaInstance>().FindAsync([reply.CorrelationId], cancellationToken);
        if (instance is null || instance.SagaType != definition.Name || instance.IsFinished)
        {
            var unknown = instance is null || instance.SagaType != definition.Name;
            CountIgnored(unknown ? "no such saga" : "saga finished");
            logger.LogWarning("{Reply} {MessageId} for {Saga} {SagaId} ignored: {Why}", reply.MessageType, reply.MessageId, definition.Name,
                reply.CorrelationId, unknown ? "no such saga" : $"the saga has {instance!.Status}");
            return;
        }

        var data = JsonSerializer.Deserialize<TData>(instance.Data, Json)!;
        var step = definition.Steps[instance.Step];
        var replyType = typeof(TReply);
        if (instance.Status == SagaStatus.Running && step.FailureReplies.TryGetValue(replyType, out var reason))
        {
            await FailAsync(instance, data, reason(reply.Body));
        }
        else if (instance.Status == SagaStatus.Running && step.SuccessReplies.TryGetValue(replyType, out var keep))
        {
            keep(data, reply.Body);
            await ExecuteFromAsync(instance, data, instance.Step + 1);
        }
        else if (instance.Status == SagaStatus.Compensating && step.CompensationReplies.Contains(replyType))
        {
            await CompensateFromAsync(instance, data, instance.Step - 1);
        }
        else
        {
            // A late duplicate of an earlier step's reply, or a reply the definition does not list for this step
            // (e.g. a refusal after the pivot): the saga stays where it is, so the metric is what an operator watches.
            CountIgnored("not awaited");
            logger.LogWarning("{Reply} {MessageId} for {Saga} {SagaId} ignored: step '{Step}' ({Status}) does not wait for it",
                reply.MessageType, reply.MessageId, definition.Name, instance.Id, step.Name, instance.Status);
            return;
        }
        instance.Data = JsonSerializer.Serialize(data, Json);
        instance.Version++;
        instance.UpdatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Runs local steps from <paramref name="index"/> on, up to the next command (sent) or the end.</summary>
    private async Task ExecuteFromAsync(SagaInstance instance, TData data, int index)
    {
        for (; index < definition.Steps.Count; index++)
        {
            var step = definition.Steps[index];
            instance.Step = index;
            if (step.Command is { } notification && step.OneWay)
            {
                var message = notification(data);
                outbox.Send(message, instance.Key, replyChannel: null, correlationId: instance.Id);
                logger.LogInformation("{Saga} {SagaId}: step '{Step}' notifies {Command}", definition.Name, instance.Id, step.Name, message.GetType().Name);
                continue;
            }
            if (step.Command is { } request)
            {
                Send(instance, step, request(data));
                return;
            }
            if (step.LocalAction is { } action)
            {
                try
                {
                    await action(services, data);
                }
                catch (DomainException refused)
                {
                    await FailAsync(instance, data, refused.Message);
                    return;
                }
            }
        }
        instance.Status = SagaStatus.Succeeded;
        logger.LogInformation("{Saga} {SagaId} succeeded", definition.Name, instance.Id);
    }

    /// <summary>The current step failed: undo the steps before it.</summary>
    private async Task FailAsync(SagaInstance instance, TData data, string reason)
    {
        instance.Status = SagaStatus.Compensating;
        instance.FailureReason = reason;
        logger.LogInformation("{Saga} {SagaId}: step '{Step}' failed ({Reason}); compensating", definition.Name, instance.Id,
            definition.Steps[instance.Step].Name, reason);
        await CompensateFromAsync(instance, data, instance.Step - 1);
    }

    /// <summary>Undoes steps from <paramref name="index"/> back to the first: local ones now, up to the next compensating command.</summary>
    private async Task CompensateFromAsync(SagaInstance instance, TData data, int index)
    {
        for (; index >= 0; index--)
        {
            var step = definition.Steps[index];
            instance.Step = index;
            if (step.Compensation is { } compensation)
            {
                Send(instance, step, compensation(data));
                return;
            }
            if (step.LocalCompensation is { } undo)
            {
                await undo(services, data, instance.FailureReason!);
            }
        }
        instance.Status = SagaStatus.Failed;
        logger.LogInformation("{Saga} {SagaId} failed and is compensated: {Reason}", definition.Name, instance.Id, instance.FailureReason);
    }

    private void CountIgnored(string reason) =>
        metrics.SagaRepliesIgnored.Add(1, new KeyValuePair<string, object?>("saga", definition.Name), new KeyValuePair<string, object?>("reason", reason));

    private void Send(SagaInstance instance, SagaStep<TData> step, object command)
    {
        outbox.Send(command, instance.Key, definition.ReplyChannelFor(instance.Key), instance.Id);
        logger.LogInformation("{Saga} {SagaId}: step '{Step}' sends {Command}", definition.Name, instance.Id, step.Name, command.GetType().Name);
    }
}
