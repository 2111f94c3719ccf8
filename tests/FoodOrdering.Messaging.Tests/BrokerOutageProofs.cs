using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Tests;

/// <summary>A fixture on a private RabbitMQ node of its own, which the proof stops, starts again and freezes.</summary>
public abstract class BrokerOutageFixture(RelayKind relay) : MessagingFixture(relay)
{
    public RestartableRabbitMq Broker { get; } = new();

    protected override async Task<string> StartRabbitMqAsync()
    {
        await Broker.StartAsync();
        return Broker.AmqpUri;
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Broker.DisposeAsync();
        }
    }
}

public sealed class PollingBrokerOutageFixture() : BrokerOutageFixture(RelayKind.Polling);

public sealed class LogTailingBrokerOutageFixture() : BrokerOutageFixture(RelayKind.LogTailing);

/// <summary>
/// The broker stops while the service keeps committing: the messages wait in the outbox, and once the
/// broker is back the relay delivers every one of them, in order per key, without anyone's help.
/// </summary>
public abstract class BrokerOutageProofs(BrokerOutageFixture fixture)
{
    [Fact]
    public async Task Messages_committed_while_the_broker_is_down_are_delivered_when_it_is_back()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await fixture.CommitAsync([new ProofEvent($"{prefix}-warmup", 0)]);
        await fixture.WaitUntilReceivedAsync($"{prefix}-warmup", 1);
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "the warm-up to be marked sent", CancellationToken.None);

        await fixture.Broker.StopAsync();
        var messages = Enumerable.Range(0, 100).Select(i => new ProofEvent($"{prefix}-{i % 5}", i / 5)).ToList();
        foreach (var transaction in messages.Chunk(10))
        {
            await fixture.CommitAsync(transaction);
        }
        Assert.Equal(100L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL"));

        await fixture.Broker.StartAsync();

        await fixture.WaitUntilReceivedAsync($"{prefix}-", 101, TimeSpan.FromSeconds(90));
        var received = (await fixture.ReceivedAsync($"{prefix}-")).Where(r => !r.MessageKey.EndsWith("warmup")).ToList();
        Assert.Equal(100, received.Count);
        foreach (var key in received.GroupBy(r => r.MessageKey))
        {
            Assert.Equal(Enumerable.Range(0, 20), key.Select(r => r.Sequence));
        }
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "every outbox row to be marked sent", CancellationToken.None);
        // The outage is logged when it starts (and when it changes), not on every retry.
        var relayWarnings = fixture.Logs.Entries.Count(e => e.Category.EndsWith("MessageRelay", StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
        Assert.InRange(relayWarnings, 1, 3);
    }

    [Fact]
    public async Task While_the_broker_hangs_the_relay_holds_no_transaction_open_and_sent_at_is_the_time_of_the_confirm()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await fixture.CommitAsync([new ProofEvent(key, 0)]);
        await fixture.WaitUntilReceivedAsync(key, 1);
        using var metrics = new MeterRecorder(fixture.SubscriberMetrics.Meter); // the fixture's service runs the relay too

        DateTimeOffset thawedAt;
        fixture.Broker.Freeze();
        try
        {
            await fixture.CommitAsync(Enumerable.Range(1, 10).Select(i => new ProofEvent(key, i)));
            await Wait.UntilAsync(_ => Task.FromResult(metrics.Total("ftgo.relay.in_flight") > 0), TimeSpan.FromSeconds(20),
                "the relay to wait for the broker's confirm", CancellationToken.None);

            // No transaction, so no row locks and no stalled VACUUM, however long the broker takes.
            Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{fixture.Options.ServiceName} message relay' AND xact_start IS NOT NULL"));
        }
        finally
        {
            thawedAt = DateTimeOffset.UtcNow;
            fixture.Broker.Thaw();
        }

        await fixture.WaitUntilReceivedAsync(key, 11);
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_key = '{key}' AND sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "every row to be marked sent", CancellationToken.None);
        // sent_at is when the broker confirmed, which it could only do after it was let go.
        await using var db = fixture.NewDbContext();
        var sentAt = await db.Set<Outbox.OutboxMessage>().Where(m => m.MessageKey == key).OrderBy(m => m.Position).Skip(1).Select(m => m.SentAt!.Value).ToListAsync();
        Assert.Equal(10, sentAt.Count);
        Assert.All(sentAt, at => Assert.True(at >= thawedAt, $"sent_at {at:O} is before the broker was let go at {thawedAt:O}"));
    }
}

public sealed class PollingBrokerOutageProofs(PollingBrokerOutageFixture fixture)
    : BrokerOutageProofs(fixture), IClassFixture<PollingBrokerOutageFixture>;

public sealed class LogTailingBrokerOutageProofs(LogTailingBrokerOutageFixture fixture)
    : BrokerOutageProofs(fixture), IClassFixture<LogTailingBrokerOutageFixture>;
