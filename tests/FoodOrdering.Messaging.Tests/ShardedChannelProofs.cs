using FoodOrdering.Testing;
using Microsoft.Extensions.Hosting;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// Competing consumers on a sharded channel: two instances of one service share the partitions of a
/// consistent-hash exchange, and every key's messages are still processed in order, exactly once.
/// </summary>
public sealed class ShardedChannelProofs(SubscriberOnlyFixture fixture) : IClassFixture<SubscriberOnlyFixture>, IAsyncLifetime
{
    private readonly List<IHost> instances = [];
    private IHost? relay;

    public async Task InitializeAsync()
    {
        // Consumers first: a consistent-hash exchange drops what arrives before its queues are bound.
        foreach (var instance in new[] { 0, 1 })
        {
            instances.Add(await fixture.StartServiceAsync(fixture.Options,
                m => m.HandleSharded<ProofCommand, RecordingHandler>(new ShardedChannel(instance, Instances: 2)), $"instance-{instance}"));
        }
        relay = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.Polling }, _ => { });
    }

    public async Task DisposeAsync()
    {
        foreach (var host in instances.Append(relay).OfType<IHost>())
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Two_competing_consumers_share_the_partitions_and_keep_each_keys_order()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        const int keys = 40, perKey = 25;
        var commands = Enumerable.Range(0, keys * perKey).Select(i => new ProofCommand($"{prefix}-{i % keys}", i / keys)).ToList();

        foreach (var transaction in commands.Chunk(100))
        {
            await fixture.CommitAsync(outbox => transaction.Select(c => outbox.Send(c, c.Key)).ToList());
        }

        await fixture.WaitUntilReceivedAsync(prefix, keys * perKey);
        var received = await fixture.ReceivedAsync(prefix);
        Assert.Equal(keys * perKey, received.Count);
        foreach (var key in received.GroupBy(r => r.MessageKey))
        {
            Assert.Equal(Enumerable.Range(0, perKey), key.Select(r => r.Sequence));
            Assert.Single(key.Select(r => r.Consumer).Distinct()); // one key, one partition, one instance
        }
        Assert.Equal(["instance-0", "instance-1"], received.Select(r => r.Consumer).Distinct().Order());
    }
}
