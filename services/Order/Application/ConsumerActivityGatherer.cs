using System.Collections.Concurrent;

namespace FoodOrdering.Order.Application;

/// <summary>
/// The aggregator of publish/async responses (scatter-gather): the requests of this process that wait for
/// replies, by correlation id. A reply is offered with its part ("order", "kitchen", "accounting"); the
/// first answer of each part is kept, a second one (a duplicate) is ignored, and a reply whose request has
/// already answered (late) or that this process never asked for is discarded.
/// </summary>
public sealed class ConsumerActivityGatherer
{
    public static readonly IReadOnlyList<string> Parts = ["order", "kitchen", "accounting"];

    private readonly ConcurrentDictionary<Guid, Gathering> open = new();

    /// <summary>Starts gathering the replies to the query with <paramref name="correlationId"/>; dispose it to stop.</summary>
    public Gathering Open(Guid correlationId)
    {
        var gathering = new Gathering(() => open.TryRemove(correlationId, out _));
        open[correlationId] = gathering;
        return gathering;
    }

    /// <summary>False when no request of this process waits for it: a late or unknown reply, discarded.</summary>
    public bool Offer(Guid correlationId, string part, object reply) =>
        open.TryGetValue(correlationId, out var gathering) && gathering.Add(part, reply);

    public sealed class Gathering(Action close) : IDisposable
    {
        private readonly ConcurrentDictionary<string, object> replies = new();
        private readonly TaskCompletionSource complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waits until every part answered or <paramref name="timeLimit"/> passed, whichever comes first.</summary>
        public async Task WaitAsync(TimeSpan timeLimit, CancellationToken cancellationToken)
        {
            try
            {
                await complete.Task.WaitAsync(timeLimit, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The time limit: answer with what came.
            }
        }

        public T? Reply<T>(string part)
            where T : class =>
            replies.GetValueOrDefault(part) as T;

        public IReadOnlyList<string> Missing => [.. Parts.Where(part => !replies.ContainsKey(part))];

        internal bool Add(string part, object reply)
        {
            if (!replies.TryAdd(part, reply))
            {
                return false;
            }
            if (Parts.All(replies.ContainsKey))
            {
                complete.TrySetResult();
            }
            return true;
        }

        public void Dispose() => close();
    }
}
