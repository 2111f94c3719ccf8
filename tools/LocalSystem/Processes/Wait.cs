namespace FoodOrdering.LocalSystem.Processes;

/// <summary>Waiting for a condition with a deadline: the only way we synchronise with other processes.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what,
        CancellationToken cancellationToken, Func<string>? explain = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var delay = TimeSpan.FromMilliseconds(50);
        try
        {
            while (true)
            {
                try
                {
                    if (await condition(deadline.Token))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // The condition's own time limit (a slow HTTP call, say), not ours: not yet.
                }
                await Task.Delay(delay, deadline.Token);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}.{(explain is null ? "" : Environment.NewLine + explain())}");
        }
    }
}
