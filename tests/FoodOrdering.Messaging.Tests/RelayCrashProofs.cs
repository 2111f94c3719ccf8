using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// A relay killed with SIGKILL in the middle of the stream (a real child process, no chance to clean
/// up) and replaced by a new one: nothing is lost, and thanks to the inbox nothing is processed twice,
/// although the broker may carry replays of what the dead relay published but never marked sent.
/// </summary>
public abstract class RelayCrashProofs(SubscriberOnlyFixture fixture, RelayKind relay)
{
    [Fact]
    public async Task A_relay_killed_mid_stream_and_restarted_loses_nothing_and_duplicates_nothing()
    {
        var prefix = $"k{Guid.NewGuid().ToString("N")[..8]}";
        const int keys = 20;
        var total = RelayProofs.ProofMessages;
        var relayProcess = StartRelayProcess("relay-1");
        try
        {
            await fixture.CommitAsync([new ProofEvent($"{prefix}-warmup", 0)]);
            await fixture.WaitUntilReceivedAsync($"{prefix}-warmup", 1);

            // Small transactions keep the writer busy while the relay streams.
            var messages = Enumerable.Range(0, total).Select(i => new ProofEvent($"{prefix}-{i % keys}", i / keys)).ToList();
            var writing = Task.Run(async () =>
            {
                foreach (var transaction in messages.Chunk(5))
                {
                    await fixture.CommitAsync(transaction);
                }
            });
            await Wait.UntilAsync(async _ => await fixture.SentCountAsync(prefix) >= total / 5, TimeSpan.FromSeconds(60), "the relay to be under way", CancellationToken.None);
            Posix.Signal(relayProcess.Pid, Posix.SigKill);
            var sentWhenKilled = await fixture.SentCountAsync(prefix);
            await relayProcess.DisposeAsync();

            relayProcess = StartRelayProcess("relay-2");
            await writing;
            // A liveness bound, generous: on a 2-core machine shared with the other test assemblies 10,000 messages took over 260 s once.
            await fixture.WaitUntilReceivedAsync($"{prefix}-", total + 1, TimeSpan.FromSeconds(60 + total / 20)); // and the warm-up

            Assert.True(sentWhenKilled <= total, // the warm-up message counts too
                $"The relay was killed after it had sent everything ({sentWhenKilled}); the proof proved nothing.");
            var received = (await fixture.ReceivedAsync($"{prefix}-")).Where(r => !r.MessageKey.EndsWith("warmup")).ToList();
            Assert.Equal(total, received.Count);
            Assert.Equal(total, received.Select(r => r.MessageId).Distinct().Count());
            foreach (var key in received.GroupBy(r => r.MessageKey))
            {
                Assert.Equal(Enumerable.Range(0, key.Count()), key.Select(r => r.Sequence));
            }
        }
        finally
        {
            await relayProcess.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_relay_stopped_in_this_process_hands_over_to_the_next_one_at_once()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}-handover";
        // A relay that finds the previous one still active stands by for a poll interval: make that
        // interval far longer than the wait below, so only an immediate hand-over passes.
        var options = fixture.Options with { Relay = relay, PollInterval = TimeSpan.FromMinutes(2) };
        using (var first = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "relay-1"))
        {
            await fixture.CommitAsync([new ProofEvent(key, 0)]);
            await fixture.WaitUntilReceivedAsync(key, 1);
            await first.StopAsync();
        }

        using var second = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "relay-2");
        await fixture.CommitAsync([new ProofEvent(key, 1)]);
        await fixture.WaitUntilReceivedAsync(key, 2, TimeSpan.FromSeconds(20));
        await second.StopAsync();
    }

    [Fact]
    public async Task A_standby_relay_says_so_once_and_takes_over_when_the_active_one_stops()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}-standby";
        var options = fixture.Options with { Relay = relay, PollInterval = TimeSpan.FromMilliseconds(100) };
        var standbyLogs = () => fixture.Logs.Entries.Count(e => e.Message.Contains("stands by") && e.Message.Contains(relay == RelayKind.Polling ? "Polling" : "Log-tailing"));
        var before = standbyLogs();
        using var active = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "active");
        await fixture.CommitAsync([new ProofEvent(key, 0)]);
        await fixture.WaitUntilReceivedAsync(key, 1);
        using var standby = await fixture.StartServiceAsync(options, consumers: _ => { }, instance: "standby");
        await Wait.UntilAsync(_ => Task.FromResult(standbyLogs() > before), TimeSpan.FromSeconds(10), "the second relay to stand by", CancellationToken.None);
        // Ten poll intervals at least, while the first one keeps working.
        var standingBy = System.Diagnostics.Stopwatch.StartNew();
        var sequence = 0;
        while (standingBy.Elapsed < options.PollInterval * 10)
        {
            await fixture.CommitAsync([new ProofEvent(key, ++sequence)]);
            await fixture.WaitUntilReceivedAsync(key, sequence + 1);
        }

        await active.StopAsync();
        await fixture.CommitAsync([new ProofEvent(key, ++sequence)]);
        await fixture.WaitUntilReceivedAsync(key, sequence + 1, TimeSpan.FromSeconds(20));

        Assert.Equal(1, standbyLogs() - before);
        await standby.StopAsync();
    }

    private ManagedProcess StartRelayProcess(string name) => fixture.StartRelayProcess(relay, name);
}

public sealed class PollingRelayCrashProofs(SubscriberOnlyFixture fixture)
    : RelayCrashProofs(fixture, RelayKind.Polling), IClassFixture<SubscriberOnlyFixture>;

public sealed class LogTailingRelayCrashProofs(SubscriberOnlyFixture fixture)
    : RelayCrashProofs(fixture, RelayKind.LogTailing), IClassFixture<SubscriberOnlyFixture>;
