using System.Text.Json;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// The consumer side: duplicates are absorbed by the inbox, failures end in the error queue with their
/// reason without blocking the queue, and malformed messages never crash the consumer.
/// </summary>
public sealed class IdempotentConsumerTests(PollingRelayFixture fixture) : IClassFixture<PollingRelayFixture>, IAsyncLifetime
{
    private RabbitMqProbe rabbitMq = null!;

    private string ErrorQueue => fixture.Queue + "_error";

    public async Task InitializeAsync() => rabbitMq = await RabbitMqProbe.ConnectAsync(fixture.RabbitMqUri);

    public async Task DisposeAsync() => await rabbitMq.DisposeAsync();

    [Fact]
    public async Task Duplicate_message_is_processed_once()
    {
        var key = NewKey();
        var messageId = (await fixture.CommitAsync([new ProofEvent(key, 0)])).Single();
        await fixture.WaitUntilReceivedAsync(key, 1);

        // Deliver the very same message (same message id) again, as a relay replay would.
        await using (var db = fixture.NewDbContext())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE outbox SET sent_at = NULL WHERE id = {messageId}");
        }
        // A later message of the same key is consumed after the duplicate: once it is in, the duplicate was handled.
        await fixture.CommitAsync([new ProofEvent(key, 1)]);
        await fixture.WaitUntilReceivedAsync(key, 2);

        var received = await fixture.ReceivedAsync(key);
        Assert.Equal([0, 1], received.Select(r => r.Sequence));
        // Remembered under the handler's stable name (IMessageHandler.Name), not its class name.
        Assert.Equal(RecordingHandler.Name, await fixture.Database.ScalarAsync<string>($"SELECT handler FROM processed_messages WHERE message_id = '{messageId}'"));
        // ...and the relay did publish the duplicate again (the broker confirmed it).
        Assert.True(await fixture.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{messageId}'"));
    }

    [Fact]
    public async Task A_failing_message_ends_in_the_error_queue_with_its_reason_and_the_next_message_is_processed()
    {
        var key = NewKey();

        var ids = await fixture.CommitAsync([new ProofEvent(key, -1), new ProofEvent(key, 1)]);

        await fixture.WaitUntilReceivedAsync(key, 1);
        Assert.Equal([1], (await fixture.ReceivedAsync(key)).Select(r => r.Sequence));
        var (body, headers) = await rabbitMq.WaitForMessageAsync(ErrorQueue, (_, headers) => headers["MessageId"] == ids[0].ToString());
        Assert.Contains($"Poison message for key {key}", headers["MT-Fault-Message"]);
        Assert.Contains(key, body);
    }

    [Fact]
    public async Task A_malformed_message_ends_in_the_error_queue_and_the_next_message_is_processed()
    {
        var key = NewKey();
        var garbage = $"{{ this is not json {key}";

        await rabbitMq.PublishRawAsync(fixture.Options.ChannelPrefix + "proof-events", "application/vnd.masstransit+json", garbage);
        await fixture.CommitAsync([new ProofEvent(key, 0)]);

        await fixture.WaitUntilReceivedAsync(key, 1);
        var (_, headers) = await rabbitMq.WaitForMessageAsync(ErrorQueue, (body, _) => body == garbage);
        Assert.Contains("MT-Reason", headers.Keys);
    }

    [Fact]
    public async Task A_message_of_an_unknown_type_ends_in_the_error_queue_with_the_reason_and_the_next_message_is_processed()
    {
        var key = NewKey();
        var envelope = JsonSerializer.Serialize(new { messageId = Guid.NewGuid(), messageType = new[] { $"urn:message:Nowhere:{key}" }, message = new { key } });

        await rabbitMq.PublishRawAsync(fixture.Options.ChannelPrefix + "proof-events", "application/vnd.masstransit+json", envelope);
        await fixture.CommitAsync([new ProofEvent(key, 0)]);

        await fixture.WaitUntilReceivedAsync(key, 1);
        // Not MassTransit's default {queue}_skipped: UnknownMessageTypeFilter moves it to the error queue, with the reason.
        var (_, headers) = await rabbitMq.WaitForMessageAsync(ErrorQueue, (body, _) => body == envelope);
        Assert.Contains("knows this message's type", headers["MT-Fault-Message"]);
    }

    [Fact]
    public async Task Processed_messages_older_than_the_duplicate_detection_window_are_deleted_in_batches_and_newer_ones_kept()
    {
        var handler = NewKey();
        var inside = Guid.NewGuid();
        // The default window is 7 days: 25,000 rows just outside it (more than two delete batches), one just inside.
        await fixture.Database.ScalarAsync<int>($"""
            INSERT INTO processed_messages (handler, message_id, processed_at)
            SELECT '{handler}', gen_random_uuid(), now() - interval '7 days 1 hour' FROM generate_series(1, 25000);
            INSERT INTO processed_messages (handler, message_id, processed_at) VALUES ('{handler}', '{inside}', now() - interval '6 days 23 hours');
            """);

        // Cleanup runs when a service starts (then every minute): start one that only cleans up.
        using var service = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None }, consumers: _ => { }, instance: "cleanup");
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM processed_messages WHERE handler = '{handler}'") == 1,
            TimeSpan.FromSeconds(30), "the expired inbox rows to be deleted", CancellationToken.None);
        await service.StopAsync();

        Assert.Equal(1L, await CountAsync(inside));
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("25000 processed_messages rows"));
    }

    private Task<long> CountAsync(Guid messageId) =>
        fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM processed_messages WHERE message_id = '{messageId}'");

    private static string NewKey() => $"k{Guid.NewGuid().ToString("N")[..8]}";
}
