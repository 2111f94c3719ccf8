using System.Text.Json.Nodes;
using FoodOrdering.Testing;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>What a saga sees of the Kitchen service: it sends a command, and reads the reply with that correlation id from its reply channel.</summary>
public sealed class SagaParticipant(KitchenServiceFactory kitchen, RabbitMqProbe rabbitMq)
{
    /// <summary>A reply channel of this test's own (a queue the relay declares before its first reply).</summary>
    public string ReplyChannel { get; } = $"test-{Guid.NewGuid().ToString("N")[..8]}-saga-replies";

    public async Task<Reply> SendAsync<TCommand>(TCommand command, long orderId)
        where TCommand : class
    {
        var correlationId = Guid.NewGuid();
        var messageId = await kitchen.SendAsync(command, orderId, ReplyChannel, correlationId);
        var (body, headers) = await rabbitMq.WaitForMessageAsync(kitchen.ChannelPrefix + ReplyChannel,
            (_, h) => h["CorrelationId"] == correlationId.ToString());
        return new Reply(headers["ftgo-message-type"], JsonNode.Parse(body)!, correlationId, messageId, headers);
    }
}

/// <summary>A reply as it came off the reply channel: its type, body, and the command's ids.</summary>
public sealed record Reply(string Type, JsonNode Body, Guid CorrelationId, Guid CommandMessageId, IReadOnlyDictionary<string, string> Headers)
{
    public long TicketId => Body["ticketId"]!.GetValue<long>();
    public string? Reason => Body["reason"]?.GetValue<string>();
}
