using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Accounting.Tests;

/// <summary>
/// Stands in for the Order service's sagas: sends commands the way they will (through a transactional
/// outbox, with a reply channel and a correlation id; here the Accounting database's own outbox, whose
/// relay publishes them to accounting-service-commands over the real broker), and watches what comes
/// back on the reply channel and on the account-events channel.
/// </summary>
public sealed class SagaSide : IAsyncDisposable
{
    public const string ReplyChannel = "test-saga-replies";
    private readonly string databaseConnectionString;
    private readonly RabbitMqProbe rabbitMq;

    private SagaSide(string databaseConnectionString, RabbitMqProbe rabbitMq, ChannelWatch replies, ChannelWatch events)
    {
        this.databaseConnectionString = databaseConnectionString;
        this.rabbitMq = rabbitMq;
        Replies = replies;
        Events = events;
    }

    public ChannelWatch Replies { get; }
    public ChannelWatch Events { get; }

    public static async Task<SagaSide> StartAsync(string databaseConnectionString, string rabbitMqUri, string channelPrefix)
    {
        var rabbitMq = await RabbitMqProbe.ConnectAsync(rabbitMqUri);
        return new SagaSide(databaseConnectionString, rabbitMq,
            new ChannelWatch(rabbitMq, await rabbitMq.WatchExchangeAsync(channelPrefix + ReplyChannel)),
            new ChannelWatch(rabbitMq, await rabbitMq.WatchExchangeAsync(channelPrefix + Contracts.Channels.AccountEvents)));
    }

    /// <summary>Sends a command keyed by <paramref name="key"/> (the order id) with a new message id; returns its correlation id.</summary>
    public async Task<Guid> SendAsync<TCommand>(TCommand command, long key)
        where TCommand : class
    {
        var correlationId = Guid.NewGuid();
        await WriteAsync(outbox => outbox.Send(command, key.ToString(), ReplyChannel, correlationId));
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
        await using var db = new AccountingDbContext(new DbContextOptionsBuilder<AccountingDbContext>().UseNpgsql(databaseConnectionString).Options);
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
