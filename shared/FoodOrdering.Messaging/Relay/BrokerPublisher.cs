using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FoodOrdering.Contracts;
using FoodOrdering.Messaging.Outbox;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FoodOrdering.Messaging.Relay;

/// <summary>What became of one outbox row in a publish.</summary>
public enum PublishStatus
{
    /// <summary>The broker confirmed it: mark it sent.</summary>
    Sent,

    /// <summary>Its channel cannot take it yet (no queue, refused): it stays unsent and its channel is held.</summary>
    Held,

    /// <summary>It can never be published as it is: move it aside with the reason.</summary>
    Failed,

    /// <summary>Not tried (an earlier row of its key and channel was held, or the broker went away): it stays unsent.</summary>
    NotAttempted,
}

public sealed record PublishOutcome(OutboxMessage Message, PublishStatus Status, DateTimeOffset At, string? Reason = null);

/// <summary>The outcome of every row of a batch, and the broker failure that cut it short, if one did.</summary>
public sealed record PublishResult(IReadOnlyList<PublishOutcome> Outcomes, Exception? BrokerFailure);

/// <summary>
/// The message relay's adapter to the broker: the only code that publishes. It publishes each outbox
/// row's stored JSON as it is (the relay needs the channel, the key and the headers, never the .NET
/// type, so an old relay can publish a newer contract and nothing is re-serialised), with the outbox id
/// as the AMQP message id, and waits for RabbitMQ's publisher confirm. Every publish is mandatory: a
/// message that no queue receives comes back instead of being confirmed into the void. Before the first
/// send on a channel it declares the channel's exchange, and for commands and replies their queue too
/// (<see cref="ChannelTopology"/>), so a command sent before its receiver ever ran waits in its queue.
/// Rows with one key on one channel are published strictly one after another (per-key order); different
/// keys in parallel.
/// RabbitMQ.Client directly rather than MassTransit's send endpoint: MassTransit sends typed messages
/// (it would need the .NET type and re-serialise) and does not report a returned mandatory message.
/// </summary>
public sealed class BrokerPublisher(string rabbitMqUri, MessagingOptions options, MessagingMetrics metrics, ILogger<BrokerPublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim connecting = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> declaredChannels = new();
    private readonly ConcurrentDictionary<string, bool> channelsWithoutSubscriber = new();
    private IConnection? connection;
    private IChannel? channel;

    public async Task<PublishResult> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentDictionary<OutboxMessage, PublishOutcome>();
        Exception? brokerFailure = null;
        try
        {
            var (connected, publishing) = await ConnectAsync(cancellationToken);
            var publishable = new List<(OutboxMessage Message, byte[] Body, Dictionary<string, object?> Headers)>();
            foreach (var message in messages)
            {
                if (Unpublishable(message, out var body, out var headers) is { } reason)
                {
                    outcomes[message] = new PublishOutcome(message, PublishStatus.Failed, DateTimeOffset.UtcNow, reason);
                }
                else
                {
                    publishable.Add((message, body, headers));
                }
            }

            var heldNow = new ConcurrentDictionary<string, bool>();
            foreach (var channelName in publishable.Select(p => p.Message.Channel).Distinct())
            {
                if (await DeclareAsync(connected, channelName, publishable.First(p => p.Message.Channel == channelName).Message.MessageType,
                        cancellationToken) is { } reason)
                {
                    heldNow[channelName] = true;
                    foreach (var (message, _, _) in publishable.Where(p => p.Message.Channel == channelName))
                    {
                        outcomes[message] = new PublishOutcome(message, PublishStatus.Held, DateTimeOffset.UtcNow, reason);
                    }
                }
            }

            // One key's rows on one channel one after another; everything else in parallel.
            await Task.WhenAll(publishable.Where(p => !outcomes.ContainsKey(p.Message))
                .GroupBy(p => (p.Message.Channel, p.Message.MessageKey))
                .Select(async sequence =>
                {
                    foreach (var (message, body, headers) in sequence)
                    {
                        if (heldNow.ContainsKey(message.Channel) || brokerFailure is not null)
                        {
                            return; // the rest of this sequence waits: NotAttempted
                        }
                        try
                        {
                            var outcome = await PublishOneAsync(publishing, message, body, headers, cancellationToken);
                            outcomes[message] = outcome;
                            if (outcome.Status == PublishStatus.Held)
                            {
                                heldNow[message.Channel] = true;
                            }
                        }
                        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                        {
                            Interlocked.CompareExchange(ref brokerFailure, e, null);
                        }
                    }
                }));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            brokerFailure ??= e;
        }

        if (brokerFailure is not null)
        {
            await ResetAsync();
        }
        var now = DateTimeOffset.UtcNow;
        return new PublishResult(
            messages.Select(m => outcomes.GetValueOrDefault(m) ?? new PublishOutcome(m, PublishStatus.NotAttempted, now)).ToList(),
            brokerFailure);
    }

    private async Task<PublishOutcome> PublishOneAsync(IChannel publishing, OutboxMessage message, byte[] body, Dictionary<string, object?> headers,
        CancellationToken cancellationToken)
    {
        // The publish span continues the trace stored with the row, and the message carries it on.
        using var activity = MessagingTelemetry.StartPublish(message.Channel, message.Id, message.CorrelationId, headers);
        var properties = new BasicProperties
        {
            MessageId = message.Id.ToString(),
            CorrelationId = message.CorrelationId.ToString(),
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Type = message.MessageType,
            Timestamp = new AmqpTimestamp(message.CreatedAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        metrics.InFlight.Add(1);
        try
        {
            await publishing.BasicPublishAsync(options.ChannelPrefix + message.Channel, message.MessageKey, mandatory: true, properties, body, timeout.Token);
            channelsWithoutSubscriber.TryRemove(message.Channel, out _);
            return new PublishOutcome(message, PublishStatus.Sent, DateTimeOffset.UtcNow);
        }
        catch (PublishException e) when (e.IsReturn)
        {
            activity?.SetTag("messaging.rabbitmq.returned", true);
            if (MessageContracts.Named(message.MessageType)?.Kind is MessageKind.Event or MessageKind.Query)
            {
                // Publish-subscribe: a subscriber receives what is published after its queue first exists.
                if (channelsWithoutSubscriber.TryAdd(message.Channel, true))
                {
                    logger.LogInformation("Event channel {Channel} has no subscriber yet: {MessageType} {MessageId} reached no queue",
                        message.Channel, message.MessageType, message.Id);
                }
                return new PublishOutcome(message, PublishStatus.Sent, DateTimeOffset.UtcNow);
            }
            return new PublishOutcome(message, PublishStatus.Held, DateTimeOffset.UtcNow,
                $"no queue receives {message.MessageType} (the broker returned it)");
        }
        catch (PublishException)
        {
            return new PublishOutcome(message, PublishStatus.Held, DateTimeOffset.UtcNow, "the broker did not accept the message (nack)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"RabbitMQ did not confirm {message.MessageType} {message.Id} within {options.PublishTimeout}.");
        }
        finally
        {
            metrics.InFlight.Add(-1);
        }
    }

    /// <summary>
    /// Declares the channel (once per connection) as <see cref="ChannelTopology"/> says; returns why it
    /// cannot take messages now, or null. A contract this version does not know (a newer service wrote it)
    /// is not declared: it is published only to an exchange that already exists.
    /// </summary>
    private async Task<string?> DeclareAsync(IConnection connected, string channelName, string messageType, CancellationToken cancellationToken)
    {
        if (declaredChannels.ContainsKey(channelName))
        {
            return null;
        }
        var exchange = options.ChannelPrefix + channelName;
        var contract = MessageContracts.Named(messageType);
        // A refused declaration closes the AMQP channel it was made on: never the publishing one.
        await using var declaring = await connected.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            if (contract is null)
            {
                await declaring.ExchangeDeclarePassiveAsync(exchange, cancellationToken);
            }
            else if (contract.Sharded)
            {
                await declaring.ExchangeDeclareAsync(exchange, ChannelTopology.HashExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                for (var partition = 0; partition < contract.Partitions; partition++)
                {
                    var partitionQueue = options.ChannelPrefix + ChannelTopology.PartitionQueue(channelName, partition);
                    await DeclareQueueAsync(declaring, partitionQueue, cancellationToken);
                    await declaring.ExchangeBindAsync(partitionQueue, exchange, ChannelTopology.PartitionWeight, cancellationToken: cancellationToken);
                }
            }
            else
            {
                await declaring.ExchangeDeclareAsync(exchange, ChannelTopology.FanoutExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                if (ChannelTopology.IsPointToPoint(contract.Kind))
                {
                    await DeclareQueueAsync(declaring, exchange, cancellationToken);
                }
            }
            declaredChannels[channelName] = true;
            return null;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode is 404 or 406 or 403)
        {
            return contract is null
                ? $"no exchange {exchange} exists yet, and this version does not know message type {messageType} to declare it"
                : $"RabbitMQ refused to declare it ({e.ShutdownReason.ReplyText})";
        }
    }

    /// <summary>A queue as a MassTransit receive endpoint declares it: an exchange of its name, bound to the queue of its name.</summary>
    private static async Task DeclareQueueAsync(IChannel declaring, string queue, CancellationToken cancellationToken)
    {
        await declaring.ExchangeDeclareAsync(queue, ChannelTopology.FanoutExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await declaring.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, ChannelTopology.QueueArguments(),
            cancellationToken: cancellationToken);
        await declaring.QueueBindAsync(queue, queue, routingKey: "", cancellationToken: cancellationToken);
    }

    /// <summary>Why this row can never be published as it is, or null (then its body and headers are ready).</summary>
    private string? Unpublishable(OutboxMessage message, out byte[] body, out Dictionary<string, object?> headers)
    {
        body = [];
        headers = [];
        if (message.Channel.Length == 0 || Encoding.UTF8.GetByteCount(options.ChannelPrefix + message.Channel) > 255)
        {
            return $"the channel name '{message.Channel}' is not a valid exchange name (1 to 255 bytes)";
        }
        if (Encoding.UTF8.GetByteCount(message.MessageKey) > 255)
        {
            return "the message key is longer than 255 bytes (it is the AMQP routing key)";
        }
        body = Encoding.UTF8.GetBytes(message.Payload);
        if (body.Length > options.MaxMessageBytes)
        {
            return $"the payload is {body.Length} bytes; at most {options.MaxMessageBytes} are published (Messaging:MaxMessageBytes)";
        }
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            return $"the payload is not valid JSON ({e.Message})";
        }
        try
        {
            foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(message.Headers) ?? [])
            {
                headers[name] = value;
            }
        }
        catch (JsonException e)
        {
            return $"the headers are not a JSON object of strings ({e.Message})";
        }
        headers[MessageHeaders.MessageType] = message.MessageType;
        headers[MessageHeaders.SchemaVersion] = message.SchemaVersion;
        headers[MessageHeaders.MessageKey] = message.MessageKey;
        headers[MessageHeaders.CreatedAt] = message.CreatedAt.ToString("O");
        if (message.ReplyChannel is not null)
        {
            headers[MessageHeaders.ReplyChannel] = message.ReplyChannel;
        }
        return null;
    }

    private async Task<(IConnection Connection, IChannel Channel)> ConnectAsync(CancellationToken cancellationToken)
    {
        await connecting.WaitAsync(cancellationToken);
        try
        {
            if (connection is { IsOpen: true } && channel is { IsOpen: true })
            {
                return (connection, channel);
            }
            await ResetConnectionAsync();
            var factory = new ConnectionFactory
            {
                Uri = new Uri(rabbitMqUri),
                ClientProvidedName = $"{options.ServiceName} message relay",
                AutomaticRecoveryEnabled = false, // the relay reconnects itself, and re-declares its channels
            };
            connection = await factory.CreateConnectionAsync(cancellationToken);
            channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            return (connection, channel);
        }
        finally
        {
            connecting.Release();
        }
    }

    private async Task ResetAsync()
    {
        await connecting.WaitAsync();
        try
        {
            await ResetConnectionAsync();
        }
        finally
        {
            connecting.Release();
        }
    }

    private async Task ResetConnectionAsync()
    {
        declaredChannels.Clear();
        var (oldConnection, oldChannel) = (connection, channel);
        (connection, channel) = (null, null);
        try
        {
            if (oldChannel is not null)
            {
                await oldChannel.DisposeAsync();
            }
            if (oldConnection is not null)
            {
                await oldConnection.DisposeAsync();
            }
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Closing the relay's broker connection failed");
        }
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
