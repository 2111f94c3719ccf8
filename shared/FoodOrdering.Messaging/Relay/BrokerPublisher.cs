using System.Collections.Concurrent;
using System.Text.Json;
using FoodOrdering.Messaging.Outbox;
using MassTransit;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// The message relay's adapter to the broker (MassTransit on RabbitMQ). Publishes outbox rows with the
/// outbox id as the broker message id, and returns only once RabbitMQ confirmed each publish (MassTransit
/// enables publisher confirms by default and awaits them in Send). Keys are published in parallel, each
/// key's messages strictly one after the other, so per-key order survives.
/// </summary>
public sealed class BrokerPublisher(IBus bus, MessagingOptions options)
{
    private readonly ConcurrentDictionary<string, Task<ISendEndpoint>> endpoints = new();

    public Task PublishInKeyOrderAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        Task.WhenAll(messages.GroupBy(m => m.MessageKey).Select(async sameKey =>
        {
            foreach (var message in sameKey)
            {
                await PublishAsync(message, cancellationToken);
            }
        }));

    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var contract = MessageContracts.Named(message.MessageType)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has unknown type {message.MessageType}.");
        var body = JsonSerializer.Deserialize(message.Payload, contract.Type, TransactionalOutbox.Json)!;

        // Every channel is an exchange: a command or reply queue is bound to the exchange of its own name;
        // a sharded channel is a consistent-hash exchange that routes on the message key.
        var endpoint = await endpoints.GetOrAdd(message.Channel, channel => bus.GetSendEndpoint(new Uri(
            $"exchange:{options.ChannelPrefix}{channel}{(contract.Sharded ? $"?type={ShardedChannel.ExchangeType}" : "")}")));
        await endpoint.Send(body, contract.Type, context =>
        {
            context.MessageId = message.Id;
            context.CorrelationId = message.CorrelationId;
            context.Headers.Set(MessageHeaders.MessageType, message.MessageType);
            context.Headers.Set(MessageHeaders.SchemaVersion, message.SchemaVersion);
            context.Headers.Set(MessageHeaders.MessageKey, message.MessageKey);
            if (message.ReplyChannel is not null)
            {
                context.Headers.Set(MessageHeaders.ReplyChannel, message.ReplyChannel);
            }
            context.SetRoutingKey(message.MessageKey);
        }, cancellationToken);
    }
}
