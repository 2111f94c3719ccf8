using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Messaging.Tests;

/// <summary>A fixture on a private RabbitMQ node of its own, which the proof stops and starts again.</summary>
public abstract class BrokerOutageFixture(RelayKind relay) : MessagingFixture(relay)
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ftgo-broker-outage-{Guid.NewGuid():N}");
    private readonly int amqpPort = Network.FreePort();
    private readonly int managementPort = Network.FreePort();
    private PrivateRabbitMq? broker;

    protected override async Task<string> StartRabbitMqAsync()
    {
        await StartBrokerAsync();
        return broker!.AmqpUri;
    }

    /// <summary>Starts the node again on the same ports and data (its durable exchanges and queues survive).</summary>
    public async Task StartBrokerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        broker = await PrivateRabbitMq.StartAsync(directory, amqpPort, managementPort, 0, timeout.Token);
    }

    public async Task StopBrokerAsync()
    {
        await broker!.DisposeAsync();
        broker = null;
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
            Directory.Delete(directory, recursive: true);
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

        await fixture.StopBrokerAsync();
        var messages = Enumerable.Range(0, 100).Select(i => new ProofEvent($"{prefix}-{i % 5}", i / 5)).ToList();
        foreach (var transaction in messages.Chunk(10))
        {
            await fixture.CommitAsync(transaction);
        }
        Assert.Equal(100L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL"));

        await fixture.StartBrokerAsync();

        await fixture.WaitUntilReceivedAsync($"{prefix}-", 101, TimeSpan.FromSeconds(90));
        var received = (await fixture.ReceivedAsync($"{prefix}-")).Where(r => !r.MessageKey.EndsWith("warmup")).ToList();
        Assert.Equal(100, received.Count);
        foreach (var key in received.GroupBy(r => r.MessageKey))
        {
            Assert.Equal(Enumerable.Range(0, 20), key.Select(r => r.Sequence));
        }
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "every outbox row to be marked sent", CancellationToken.None);
    }
}

public sealed class PollingBrokerOutageProofs(PollingBrokerOutageFixture fixture)
    : BrokerOutageProofs(fixture), IClassFixture<PollingBrokerOutageFixture>;

public sealed class LogTailingBrokerOutageProofs(LogTailingBrokerOutageFixture fixture)
    : BrokerOutageProofs(fixture), IClassFixture<LogTailingBrokerOutageFixture>;
