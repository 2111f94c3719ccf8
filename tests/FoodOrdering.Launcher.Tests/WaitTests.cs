using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Tests;

/// <summary>Wait.UntilAsync is how every test and the launcher synchronise with other processes.</summary>
public sealed class WaitTests
{
    [Fact]
    public async Task Returns_as_soon_as_the_condition_holds()
    {
        var calls = 0;

        await Wait.UntilAsync(_ => Task.FromResult(++calls == 3), TimeSpan.FromSeconds(10), "the third call", CancellationToken.None);

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_condition_that_times_out_on_its_own_counts_as_not_yet()
    {
        var calls = 0;

        await Wait.UntilAsync(_ => ++calls < 3 ? throw new TaskCanceledException("HttpClient.Timeout") : Task.FromResult(true),
            TimeSpan.FromSeconds(10), "a slow service", CancellationToken.None);

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task The_deadline_is_a_timeout_that_says_what_was_awaited_and_why()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Wait.UntilAsync(_ => Task.FromResult(false), TimeSpan.FromMilliseconds(200), "godot", CancellationToken.None, () => "last log line"));

        Assert.Contains("godot", error.Message);
        Assert.Contains("last log line", error.Message);
    }

    [Fact]
    public async Task Cancelling_the_caller_is_a_cancellation_not_a_timeout()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Wait.UntilAsync(_ => Task.FromResult(false), TimeSpan.FromSeconds(30), "never", stop.Token));
    }
}
