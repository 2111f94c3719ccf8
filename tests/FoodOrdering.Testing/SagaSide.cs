using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FoodOrdering.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Testing;

/// <summary>
/// Stands in for the Order service's sagas in a participant's component tests: sends commands the way they
/// will (through a transactional outbox, with a reply channel and a correlation id; here the participant's
/// own outbox, whose relay publishes them to the participant's command channel over the real broker), and
/// watches what comes back on the reply channel and on one event channel.
/// </summary>
public sealed class SagaSide : IAsyncDisposable
{
    public const string ReplyChannel = "test-saga-replies";
    private readonly Func<DbContext> newDbContext;
    private readonly RabbitMqProbe rabbitMq;

    private SagaSide(Func<DbContext> newDbContext, RabbitMqProbe rabbitMq, ChannelWatch replies, ChannelWatch events)
    {
        this.newDbContext = newDbContext;
        this.rabbitMq = rabbitMq;
        Replies = replies;
        Events = events;
    }

    public ChannelWatch Replies { get; }
    public ChannelWatch Events { get; }

    /// <summary>
    /// Watches the reply channel and <paramref name="eventChannel"/> (e.g. account-events) under
    /// <paramref name="channelPrefix"/>, and sends through the outbox of the DbContexts <paramref name="newDbContext"/> makes.
    /// </summary>
    public static async Task<SagaSide> StartAsync(Func<DbContext> newDbContext, string rabbitMqUri, string channelPrefix, string eventChannel)
    {
        var rabbitMq = await RabbitMqProbe.ConnectAsync(rabbitMqUri);
        return new SagaSide(newDbContext, rabbitMq,
            new ChannelWatch(rabbitMq, await rabbitMq.WatchExchangeAsync(channelPrefix + ReplyChannel)),
            new ChannelWatch(rabbitMq, await rabbitMq.WatchExchangeAsync(channelPrefix + eventChannel)));
    }

    /// <summary>Sends a command keyed by <paramref name="key"/> (the order id) with a new message id; returns its correlation id.</summary>
    public async Task<Guid> SendAsync<TCommand>(TCommand command, long key)
        where TCommand : class
    {
        var correlationId = Guid.NewGuid();
        await WriteAsync(outbox => outbox.Send(command, key.ToString(), ReplyChannel, correlationId));
        return correlationId;
    }

    /// <summary>Sends a one-way command (no reply channel: nobody waits for an answer); returns its correlation id.</summary>
    public async Task<Guid> SendOneWayAsync<TCommand>(TCommand command, long key)
        where TCommand : class
    {
        var correlationId = Guid.NewGuid();
        await WriteAsync(outbox => outbox.Send(command, key.ToString(), replyChannel: null, correlationId));
        return correlationId;
    }

    /// <summary>Publishes an event (e.g. the Consumer service's ConsumerCreated) as its owner would.</summary>
    public Task PublishAsync<TEvent>(TEvent domainEvent, long aggregateId)
        where TEvent : class =>
        WriteAsync(outbox => outbox.Publish(domainEvent, aggregateId.ToString()));

    /// <summary>The reply with this correlation id: its type and body.</summary>
    public async Task<(string Type, JsonNode Body)> ReplyAsync(Guid correlationId)
    {
        var (body, headers) = await Replies.WaitForAsync((_, h) => h["CorrelationId"] == correlationId.ToString());
        return (headers["ftgo-message-type"], JsonNode.Parse(body)!);
    }

    private async Task WriteAsync(Action<TransactionalOutbox> write)
    {
        await using var db = newDbContext();
        write(new TransactionalOutbox(db));
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => rabbitMq.DisposeAsync();
}

/// <summary>Everything that arrived on a watched channel, kept, so a test can wait for one message without losing the others.</summary>
public sealed class ChannelWatch(RabbitMqProbe rabbitMq, string queue)
{
    private readonly ConcurrentQueue<(string Body, IReadOnlyDictionary<string, string> Headers)> seen = new();

    public IReadOnlyList<(string Body, IReadOnlyDictionary<string, string> Headers)> Seen => [.. seen];

    public async Task<(string Body, IReadOnlyDictionary<string, string> Headers)> WaitForAsync(Func<string, IReadOnlyDictionary<string, string>, bool> matches)
    {
        if (seen.FirstOrDefault(m => matches(m.Body, m.Headers)) is { Body: not null } earlier)
        {
            return earlier;
        }
        return await rabbitMq.WaitForMessageAsync(queue, (body, headers) =>
        {
            seen.Enqueue((body, headers));
            return matches(body, headers);
        });
    }

    /// <summary>The messages of one type about one key seen so far (call after waiting for the last one expected).</summary>
    public IReadOnlyList<JsonNode> OfType(string messageType, long key) =>
        [.. Seen.Where(m => m.Headers["ftgo-message-type"] == messageType && m.Headers["ftgo-message-key"] == key.ToString()).Select(m => JsonNode.Parse(m.Body)!)];
}
