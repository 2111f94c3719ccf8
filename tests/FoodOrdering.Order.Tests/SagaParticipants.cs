using System.Text.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using MassTransit;
using MessageHeaders = FoodOrdering.Messaging.MessageHeaders;

namespace FoodOrdering.Order.Tests;

/// <summary>A command the Order service sent, as a participant reads it from its command queue.</summary>
public sealed record ReceivedCommand(string Type, string Key, JsonNode Body, Guid CorrelationId, string? ReplyChannel, string Queue)
{
    public T As<T>() => Body.Deserialize<T>(TransactionalOutbox.Json)!;
}

/// <summary>
/// The test plays the Consumer, Kitchen and Accounting services: it takes the saga's commands from their
/// command queues (consumer-service-commands, accounting-service-commands, kitchen-service-commands-p0..p7)
/// and answers each as the real participant would, on the reply channel the command names
/// (ftgo-reply-channel) with the command's correlation id. Commands of other orders are kept for later.
/// </summary>
public sealed class SagaParticipants(RabbitMqProbe probe, string channelPrefix)
{
    private static readonly string[] CommandQueues =
    [
        Channels.ConsumerServiceCommands,
        Channels.AccountingServiceCommands,
        .. Enumerable.Range(0, Channels.KitchenServiceCommandPartitions).Select(p => ChannelTopology.PartitionQueue(Channels.KitchenServiceCommands, p)),
    ];

    private readonly List<ReceivedCommand> received = [];

    /// <summary>Waits for the order's next <typeparamref name="TCommand"/> and takes it.</summary>
    public async Task<ReceivedCommand> ExpectAsync<TCommand>(long orderId)
    {
        ReceivedCommand? found = null;
        await Wait.UntilAsync(async _ =>
            {
                await DrainAsync();
                found = received.FirstOrDefault(c => c.Type == typeof(TCommand).Name && c.Key == orderId.ToString());
                return found is not null && received.Remove(found);
            },
            TimeSpan.FromSeconds(30), $"{typeof(TCommand).Name} for order {orderId}", CancellationToken.None,
            () => $"Received and not taken: {string.Join(", ", received.Select(c => $"{c.Type}({c.Key})"))}");
        return found!;
    }

    /// <summary>The commands of the order that were sent and not taken yet (call after the outbox is all sent).</summary>
    public async Task<IReadOnlyList<string>> PendingCommandsAsync(long orderId)
    {
        await DrainAsync();
        return [.. received.Where(c => c.Key == orderId.ToString()).Select(c => c.Type)];
    }

    /// <summary>Replies to <paramref name="command"/> as its participant would (a new message id each time).</summary>
    public Task ReplyAsync<TReply>(ReceivedCommand command, TReply reply)
        where TReply : class =>
        ReplyAsync(command.ReplyChannel ?? throw new InvalidOperationException($"{command.Type} expects no reply."), command.CorrelationId, command.Key, reply);

    /// <summary>A reply on <paramref name="replyChannel"/> with any correlation id (e.g. for a saga that does not exist).</summary>
    public Task<Guid> ReplyAsync<TReply>(string replyChannel, Guid correlationId, string key, TReply reply)
        where TReply : class =>
        PublishAsync(replyChannel, reply, key, correlationId);

    /// <summary>An event on its channel, as its service's relay publishes it.</summary>
    public Task PublishEventAsync<TEvent>(TEvent domainEvent, string key)
        where TEvent : class =>
        PublishAsync(MessageContracts.For(typeof(TEvent)).Channel!, domainEvent, key, Guid.NewGuid());

    private async Task<Guid> PublishAsync<TMessage>(string channel, TMessage message, string key, Guid correlationId)
        where TMessage : class
    {
        var contract = MessageContracts.For(typeof(TMessage));
        var messageId = Guid.NewGuid();
        var headers = new Dictionary<string, object?>
        {
            [MassTransit.MessageHeaders.MessageType] = MessageUrn.ForTypeString(typeof(TMessage)),
            [MessageHeaders.MessageType] = contract.Name,
            [MessageHeaders.SchemaVersion] = contract.SchemaVersion,
            [MessageHeaders.MessageKey] = key,
            [MessageHeaders.CreatedAt] = DateTimeOffset.UtcNow.ToString("O"),
        };
        await probe.PublishAsync(channelPrefix + channel, JsonSerializer.Serialize(message, TransactionalOutbox.Json), headers, messageId, correlationId);
        return messageId;
    }

    private async Task DrainAsync()
    {
        foreach (var queue in CommandQueues)
        {
            foreach (var (body, headers) in await probe.TakeAllAsync(channelPrefix + queue))
            {
                received.Add(new ReceivedCommand(headers[MessageHeaders.MessageType], headers[MessageHeaders.MessageKey], JsonNode.Parse(body)!,
                    Guid.Parse(headers["CorrelationId"]), headers.GetValueOrDefault(MessageHeaders.ReplyChannel), queue));
            }
        }
    }
}
