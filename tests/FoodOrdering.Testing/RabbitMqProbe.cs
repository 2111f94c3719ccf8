using System.Text;
using FoodOrdering.LocalSystem.Processes;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FoodOrdering.Testing;

/// <summary>Raw AMQP access for what the proofs must see behind MassTransit's back: error queues and malformed messages.</summary>
public sealed class RabbitMqProbe : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;

    private RabbitMqProbe(IConnection connection, IChannel channel)
    {
        this.connection = connection;
        this.channel = channel;
    }

    public static async Task<RabbitMqProbe> ConnectAsync(string amqpUri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        return new RabbitMqProbe(connection, await connection.CreateChannelAsync());
    }

    /// <summary>A new exclusive queue bound to the fanout <paramref name="exchange"/> (declared as MassTransit declares it), to watch a channel.</summary>
    public async Task<string> WatchExchangeAsync(string exchange)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        return queue.QueueName;
    }

    /// <summary>The fanout <paramref name="exchange"/>, declared as MassTransit declares it (publishing to an exchange that does not exist yet closes the channel).</summary>
    public async Task DeclareExchangeAsync(string exchange) =>
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);

    /// <summary>A durable queue bound to the fanout <paramref name="exchange"/> (both declared as MassTransit declares them), e.g. a receiver that shows up late.</summary>
    public async Task<string> DeclareQueueAsync(string exchange, string queue)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, routingKey: "");
        return queue;
    }

    /// <summary>How many messages wait in <paramref name="queue"/> (null if there is no such queue).</summary>
    public async Task<uint?> MessageCountAsync(string queue)
    {
        await using var probe = await connection.CreateChannelAsync();
        try
        {
            return (await probe.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }

    public async Task PublishRawAsync(string exchange, string contentType, string body) =>
        await channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false,
            new BasicProperties { ContentType = contentType, MessageId = Guid.NewGuid().ToString() }, Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// Takes messages off <paramref name="queue"/> until one matches; returns its body and headers
    /// (the AMQP properties MessageId and CorrelationId included, under those names).
    /// </summary>
    public async Task<(string Body, IReadOnlyDictionary<string, string> Headers)> WaitForMessageAsync(string queue, Func<string, IReadOnlyDictionary<string, string>, bool> matches)
    {
        (string, IReadOnlyDictionary<string, string>)? found = null;
        await Wait.UntilAsync(async ct =>
            {
                if (!await QueueExistsAsync(queue))
                {
                    return false;
                }
                while (await channel.BasicGetAsync(queue, autoAck: true, ct) is { } message)
                {
                    var (body, headers) = Read(message);
                    if (matches(body, headers))
                    {
                        found = (body, headers);
                        return true;
                    }
                }
                return false;
            },
            TimeSpan.FromSeconds(30), $"a matching message in {queue}", CancellationToken.None);
        return found!.Value;
    }

    /// <summary>Takes every message waiting in <paramref name="queue"/> now (none if there is no such queue), as <see cref="WaitForMessageAsync"/> returns them.</summary>
    public async Task<IReadOnlyList<(string Body, IReadOnlyDictionary<string, string> Headers)>> TakeAllAsync(string queue)
    {
        var taken = new List<(string, IReadOnlyDictionary<string, string>)>();
        if (!await QueueExistsAsync(queue))
        {
            return taken;
        }
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            taken.Add(Read(message));
        }
        return taken;
    }

    /// <summary>
    /// Publishes a JSON message with these headers, ids and persistence as the message relay does (e.g. a
    /// test playing a saga participant replies to a command).
    /// </summary>
    public async Task PublishAsync(string exchange, string body, IDictionary<string, object?> headers, Guid messageId, Guid correlationId) =>
        await channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false,
            new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = messageId.ToString(),
                CorrelationId = correlationId.ToString(),
                Headers = headers,
            },
            Encoding.UTF8.GetBytes(body));

    private static (string Body, IReadOnlyDictionary<string, string> Headers) Read(BasicGetResult message)
    {
        var headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value?.ToString() ?? "");
        headers["MessageId"] = message.BasicProperties.MessageId ?? "";
        headers["CorrelationId"] = message.BasicProperties.CorrelationId ?? "";
        return (Encoding.UTF8.GetString(message.Body.Span), headers);
    }

    // Asking for a missing queue closes the channel that asked: ask on a throwaway one.
    private async Task<bool> QueueExistsAsync(string queue)
    {
        await using var probe = await connection.CreateChannelAsync();
        try
        {
            await probe.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await channel.CloseAsync();
        await connection.CloseAsync();
        connection.Dispose();
    }
}
