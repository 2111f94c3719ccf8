using System.Text;
using System.Text.Json;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem.Processes;
using RabbitMQ.Client;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// The demo plays an order saga for a moment, before the Order service exists: it sends a command to a
/// participant's command channel with a reply channel and a correlation id (asynchronous request/response,
/// chapter 3), and reads the participant's answer from that reply channel. It talks AMQP like any client
/// (a service would write the command to its transactional outbox instead) and prints each message as the
/// rabbitmqadmin command that does the same.
/// </summary>
public sealed class DemoSaga(string rabbitMqUri) : IAsyncDisposable
{
    public const string ReplyChannel = "demo-replies";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private IConnection? connection;

    /// <summary>Sends <paramref name="command"/> keyed by <paramref name="key"/> and returns its reply: the reply's type and JSON body.</summary>
    public async Task<(string Type, string Body)> AskAsync<TCommand>(TCommand command, string key, CancellationToken cancellationToken)
        where TCommand : class
    {
        var contract = typeof(TCommand).GetCustomAttributes(typeof(MessageAttribute), false).OfType<MessageAttribute>().Single();
        connection ??= await new ConnectionFactory { Uri = new Uri(rabbitMqUri) }.CreateConnectionAsync(cancellationToken);
        var correlationId = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(command, Json);
        // The headers every message carries (docs/messaging.md); MT-MessageType tells the receiving MassTransit the .NET type.
        var headers = new Dictionary<string, object?>
        {
            ["ftgo-message-type"] = typeof(TCommand).Name,
            ["ftgo-schema-version"] = contract.SchemaVersion,
            ["ftgo-message-key"] = key,
            ["ftgo-reply-channel"] = ReplyChannel,
            ["MT-MessageType"] = $"urn:message:{typeof(TCommand).Namespace}:{typeof(TCommand).Name}",
        };
        var properties = new BasicProperties
        {
            MessageId = Guid.NewGuid().ToString(),
            CorrelationId = correlationId,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
        ConsoleLog.Line("demo", 92, $"$ rabbitmqadmin publish exchange={contract.Channel} routing_key={key} payload='{body}' " +
            $"properties='{{\"message_id\":\"{properties.MessageId}\",\"correlation_id\":\"{correlationId}\",\"content_type\":\"application/json\"," +
            $"\"headers\":{JsonSerializer.Serialize(headers)}}}'");
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            // The reply channel, declared before the command leaves, exactly as the participant's relay declares
            // every reply channel (ChannelTopology): an exchange and a queue of its name, single active consumer.
            await channel.ExchangeDeclareAsync(ReplyChannel, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(ReplyChannel, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-single-active-consumer"] = true }, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(ReplyChannel, ReplyChannel, routingKey: "", cancellationToken: cancellationToken);
            await channel.BasicPublishAsync(contract.Channel!, key, mandatory: false, properties, Encoding.UTF8.GetBytes(body), cancellationToken);
        }

        (string, string)? reply = null;
        await Wait.UntilAsync(async ct => (reply = await TakeReplyAsync(correlationId, ct)) is not null, TimeSpan.FromSeconds(30),
            $"the reply with correlation id {correlationId} on {ReplyChannel}", cancellationToken);
        var (type, replyBody) = reply!.Value;
        ConsoleLog.Line("demo", 92, $"reply on {ReplyChannel}: {type}, correlation id {correlationId}");
        ConsoleLog.Line("demo", 92, replyBody);
        return (type, replyBody);
    }

    /// <summary>The reply with this correlation id, if it is there yet; older replies (of earlier demo runs) are taken off and dropped.</summary>
    private async Task<(string, string)?> TakeReplyAsync(string correlationId, CancellationToken cancellationToken)
    {
        await using var channel = await connection!.CreateChannelAsync(cancellationToken: cancellationToken);
        while (await channel.BasicGetAsync(ReplyChannel, autoAck: true, cancellationToken) is { } message)
        {
            if (message.BasicProperties.CorrelationId == correlationId)
            {
                var type = message.BasicProperties.Headers is { } headers && headers.TryGetValue("ftgo-message-type", out var value) && value is byte[] name
                    ? Encoding.UTF8.GetString(name)
                    : "?";
                return (type, Encoding.UTF8.GetString(message.Body.Span));
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }
    }
}
