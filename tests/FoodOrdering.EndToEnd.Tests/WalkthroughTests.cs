using Xunit.Abstractions;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>docs/walkthrough.md is a runnable doc (<see cref="RunnableDocs"/>): every bash block runs against a started system and prints what the page says.</summary>
public sealed class WalkthroughTests(ITestOutputHelper output)
{
    [Fact]
    public Task Every_command_of_the_walkthrough_runs_and_prints_what_the_page_says() =>
        RunnableDocs.RunAsync("docs/walkthrough.md", output.WriteLine);
}
