namespace FoodOrdering.Launcher.Processes;

/// <summary>Waiting for a condition with a deadline: the only way we synchronise with other processes.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what,
        CancellationToken cancellationToken, Func<string>? explain = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                if (await condition(deadline.Token))
                {
                    return;
                }
                await Task.Delay(delay, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}.{(explain is null ? "" : Environment.NewLine + explain())}");
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }
}
