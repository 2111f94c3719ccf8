using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// Channels the relay leaves alone for a while: a publish on them came back (no queue receives the
/// channel yet, or the broker refused it). Their rows stay unsent in the outbox, the relay tries again
/// after a back-off that doubles with each failure in a row, and the other channels flow meanwhile.
/// A channel's rows all wait together, so one key's messages on it keep their order. Logged when a
/// channel is held and when it receives again: state changes, not every attempt.
/// </summary>
public sealed class ChannelHolds(MessagingOptions options, ILogger logger, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly Dictionary<string, HeldChannel> holds = [];

    /// <summary>Channels whose back-off has not run out: read no rows of them.</summary>
    public IReadOnlyCollection<string> Waiting()
    {
        var now = clock.GetUtcNow();
        lock (holds)
        {
            return holds.Where(h => h.Value.Until > now).Select(h => h.Key).ToList();
        }
    }

    /// <summary>Every held channel, waiting or due for its next try: a log-tailing relay publishes none of their rows from the stream.</summary>
    public IReadOnlyCollection<string> All()
    {
        lock (holds)
        {
            return holds.Keys.ToList();
        }
    }

    /// <summary>When the next held channel is due, if any.</summary>
    public DateTimeOffset? NextTry()
    {
        lock (holds)
        {
            return holds.Count == 0 ? null : holds.Values.Min(h => h.Until);
        }
    }

    public bool AnyDue()
    {
        var now = clock.GetUtcNow();
        lock (holds)
        {
            return holds.Values.Any(h => h.Until <= now);
        }
    }

    public void Hold(string channel, string reason)
    {
        lock (holds)
        {
            var delay = holds.TryGetValue(channel, out var previous)
                ? TimeSpan.FromTicks(Math.Min(previous.Delay.Ticks * 2, options.MaxBackoff.Ticks))
                : options.ErrorBackoff;
            holds[channel] = new HeldChannel(clock.GetUtcNow() + delay, delay, reason);
            if (previous is null || previous.Reason != reason)
            {
                logger.LogWarning("Channel {Channel}: {Reason}. Its messages wait in the outbox; retrying with back-off (first in {Delay})",
                    channel, reason, delay);
            }
        }
    }

    /// <summary>A publish on <paramref name="channel"/> was confirmed: it is no longer held.</summary>
    public void Released(string channel)
    {
        lock (holds)
        {
            if (holds.Remove(channel))
            {
                logger.LogInformation("Channel {Channel} receives messages again", channel);
            }
        }
    }

    private sealed record HeldChannel(DateTimeOffset Until, TimeSpan Delay, string Reason);
}
