using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// What the relay does with rows it cannot simply publish, for both relays: a row that can never be
/// published is moved aside with its reason and the rows behind it flow; a row of a type this version
/// does not know is published as it is; a channel no queue receives holds its rows, with a warning, until
/// a queue exists; an event nobody subscribes to yet is logged and counts as sent. Each test uses keys of
/// its own, so they share the fixture's service.
/// </summary>
public abstract class PublishingProofs(MessagingFixture fixture) : IAsyncLifetime
{
    private RabbitMqProbe rabbitMq = null!;
    private IHost relay = null!;
    private MeterRecorder metrics = null!;

    public async Task InitializeAsync()
    {
        rabbitMq = await RabbitMqProbe.ConnectAsync(fixture.RabbitMqUri);
        // This class's own relay (the fixture's service keeps only its subscriber), so the test reads its metrics.
        await fixture.StopServiceAsync();
        relay = await fixture.StartServiceAsync(fixture.Options with { MaxBackoff = TimeSpan.FromSeconds(2) });
        metrics = new MeterRecorder(relay.Services.GetRequiredService<MessagingMetrics>().Meter);
    }

    public async Task DisposeAsync()
    {
        metrics.Dispose();
        await relay.StopAsync();
        relay.Dispose();
        await rabbitMq.DisposeAsync();
    }

    [Fact]
    public async Task A_row_that_can_never_be_published_is_marked_failed_with_its_reason_and_the_rows_behind_it_flow()
    {
        var key = NewKey();
        await fixture.CommitAsync([new ProofEvent(key, 0)]);
        var broken = await fixture.InsertOutboxRowAsync("proof-events", nameof(ProofEvent), key, """{"key": "cut off in the midd""");
        await fixture.CommitAsync([new ProofEvent(key, 1)]);

        await fixture.WaitUntilReceivedAsync(key, 2);

        Assert.Equal([0, 1], (await fixture.ReceivedAsync(key)).Select(r => r.Sequence));
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<bool>($"SELECT failed_at IS NOT NULL FROM outbox WHERE id = '{broken}'"),
            TimeSpan.FromSeconds(10), "the broken row to be marked failed", CancellationToken.None);
        Assert.Contains("not valid JSON", await fixture.Database.ScalarAsync<string>($"SELECT failure_reason FROM outbox WHERE id = '{broken}'"));
        Assert.True(await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NULL FROM outbox WHERE id = '{broken}'"));
        // The relay counts and logs right after it marked the row: wait for those too.
        await Wait.UntilAsync(_ => Task.FromResult(metrics.Total("ftgo.relay.failed") >= 1), TimeSpan.FromSeconds(10),
            "ftgo.relay.failed to count the row", CancellationToken.None);
        Assert.Equal(1, metrics.Total("ftgo.relay.failed"));
        await Wait.UntilAsync(_ => Task.FromResult(fixture.Logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains(broken.ToString()) && e.Message.Contains("not valid JSON"))),
            TimeSpan.FromSeconds(10), "an error naming the row and why", CancellationToken.None);
    }

    [Fact]
    public async Task A_row_of_a_type_this_version_does_not_know_is_published_as_it_is_and_its_receiver_decides()
    {
        var key = NewKey();
        var watch = await rabbitMq.WatchExchangeAsync(fixture.Options.ChannelPrefix + "proof-events");
        // Written by a newer version of the service: a contract this one does not have, in JSON as that version wrote it.
        const string payload = """{ "key": "from-the-future", "sequence": 7, "addedInV2": ["x", 1.50] }""";
        var future = await fixture.InsertOutboxRowAsync("proof-events", "ProofEventV2", key, payload,
            """{"MT-MessageType": "urn:message:FoodOrdering.Testing:ProofEventV2"}""");
        await fixture.CommitAsync([new ProofEvent(key, 0)]);

        await fixture.WaitUntilReceivedAsync(key, 1);

        // Published byte for byte as stored (nothing re-serialised through today's types)...
        var (body, headers) = await rabbitMq.WaitForMessageAsync(watch, (_, h) => h["MessageId"] == future.ToString());
        Assert.Equal(payload, body);
        Assert.Equal("ProofEventV2", headers["ftgo-message-type"]);
        // ...and the subscriber, which does not know it either, parks it in its error queue with the reason.
        var (errorBody, errorHeaders) = await rabbitMq.WaitForMessageAsync(fixture.Queue + "_error", (_, h) => h["MessageId"] == future.ToString());
        Assert.Equal(payload, errorBody);
        Assert.Contains("knows this message's type", errorHeaders["MT-Fault-Message"]);
    }

    [Fact]
    public async Task A_channel_no_queue_receives_holds_its_rows_with_a_warning_and_delivers_them_once_a_queue_exists()
    {
        var key = NewKey();
        var channel = $"proof-future-{key}-commands";
        // A command for a service this version does not know yet, to a channel that does not exist yet.
        var waiting = await fixture.InsertOutboxRowAsync(channel, "FutureCommand", key, """{"key": "later"}""");
        await fixture.CommitAsync([new ProofEvent(key, 0)]);

        await fixture.WaitUntilReceivedAsync(key, 1); // the other channels flow meanwhile
        await Wait.UntilAsync(_ => Task.FromResult(fixture.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains(channel))),
            TimeSpan.FromSeconds(10), $"a warning naming {channel}", CancellationToken.None);
        Assert.True(await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NULL AND failed_at IS NULL FROM outbox WHERE id = '{waiting}'"));

        // The receiver is deployed: its queue appears, and the waiting command arrives.
        var queue = await rabbitMq.DeclareQueueAsync(fixture.Options.ChannelPrefix + channel, fixture.Options.ChannelPrefix + channel);
        var (body, _) = await rabbitMq.WaitForMessageAsync(queue, (_, h) => h["MessageId"] == waiting.ToString());
        Assert.Equal("""{"key": "later"}""", body);
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{waiting}'"),
            TimeSpan.FromSeconds(10), "the delivered row to be marked sent", CancellationToken.None);
        await Wait.UntilAsync(_ => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message.Contains($"Channel {channel} receives messages again"))),
            TimeSpan.FromSeconds(10), $"the log line that {channel} receives messages again", CancellationToken.None);
    }

    [Fact]
    public async Task An_event_nobody_subscribes_to_yet_counts_as_sent_and_is_logged()
    {
        var key = NewKey();

        var id = (await fixture.CommitAsync(outbox => [outbox.Publish(new ProofOrphanEvent(key), key)])).Single();

        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{id}'"),
            TimeSpan.FromSeconds(10), "the orphan event to be marked sent", CancellationToken.None);
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("Event channel proof-orphan-events has no subscriber yet"));
    }

    private static string NewKey() => $"k{Guid.NewGuid().ToString("N")[..8]}";
}

public sealed class PollingPublishingProofs(PollingRelayFixture fixture) : PublishingProofs(fixture), IClassFixture<PollingRelayFixture>;

public sealed class LogTailingPublishingProofs(LogTailingRelayFixture fixture) : PublishingProofs(fixture), IClassFixture<LogTailingRelayFixture>;

/// <summary>
/// Commands and replies are never confirmed into the void: the relay declares a point-to-point channel's
/// queue before its first send, so a command sent before its receiver ever ran waits there (each test
/// class has a channel prefix of its own, so here the receiver has truly never run).
/// </summary>
public abstract class PointToPointProofs(MessagingFixture fixture) : IAsyncLifetime
{
    private RabbitMqProbe rabbitMq = null!;

    public async Task InitializeAsync() => rabbitMq = await RabbitMqProbe.ConnectAsync(fixture.RabbitMqUri);

    public async Task DisposeAsync() => await rabbitMq.DisposeAsync();

    [Fact]
    public async Task A_command_sent_before_its_receiver_ever_ran_waits_in_its_queue_and_is_delivered_when_the_receiver_starts()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        var queue = fixture.Options.ChannelPrefix + "proof-service-commands";
        Assert.Null(await rabbitMq.MessageCountAsync(queue)); // no receiver has ever declared it

        var id = (await fixture.CommitAsync(outbox => [outbox.Send(new ProofRequest(key, 1), key)])).Single();

        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{id}'"),
            TimeSpan.FromSeconds(10), "the command to be confirmed", CancellationToken.None);
        Assert.Equal(1u, await rabbitMq.MessageCountAsync(queue));

        using var receiver = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None },
            messaging => messaging.Handle<ProofRequest, RecordingHandler>(), "receiver");
        await fixture.WaitUntilReceivedAsync(key, 1);
        Assert.Equal(id, (await fixture.ReceivedAsync(key)).Single().MessageId);
        await receiver.StopAsync();
    }
}

public sealed class PollingPointToPointProofs(PollingRelayFixture fixture) : PointToPointProofs(fixture), IClassFixture<PollingRelayFixture>;

public sealed class LogTailingPointToPointProofs(LogTailingRelayFixture fixture) : PointToPointProofs(fixture), IClassFixture<LogTailingRelayFixture>;
