using FoodOrdering.LocalSystem;
using FoodOrdering.Testing;
using Xunit.Abstractions;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>The workshop's system: started once, as `./ftgo up --faults` does, for every lab in turn.</summary>
public sealed class WorkshopSystemFixture : IAsyncLifetime
{
    public TestSystem Test { get; private set; } = null!;

    public async Task InitializeAsync() => Test = await TestSystem.StartAsync(faultsEnabled: true);

    public async Task DisposeAsync() => await Test.DisposeAsync();
}

/// <summary>
/// Every lab of docs/workshop is a runnable doc (<see cref="RunnableDocs"/>): its bash blocks run, in a bash
/// session of their own, against one system shared by the labs, and print what the page says. Each lab starts
/// with its own set-up (a new consumer and restaurant) and undoes what it changes (faults cleared, breakers
/// closed), so the labs do not depend on each other or on their order.
/// </summary>
public sealed class WorkshopLabsTests(WorkshopSystemFixture system, ITestOutputHelper output) : IClassFixture<WorkshopSystemFixture>
{
    private static readonly string Workshop = Path.Combine(SystemCatalog.RepositoryRoot(), "docs", "workshop");

    public static TheoryData<string> Labs() => [.. LabPaths()];

    private static IEnumerable<string> LabPaths() =>
        Directory.GetFiles(Workshop, "*.md")
            .Where(path => RunnableDocs.Parse(File.ReadAllText(path)).Count > 0)
            .Select(path => Path.GetRelativePath(SystemCatalog.RepositoryRoot(), path))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Labs))]
    public Task Every_command_of_the_lab_runs_and_prints_what_the_page_says(string lab) =>
        RunnableDocs.RunBlocksAsync(lab, RunnableDocs.Parse(File.ReadAllText(Path.Combine(SystemCatalog.RepositoryRoot(), lab))),
            RunnableDocs.PortMap(system.Test), output.WriteLine);

    [Fact]
    public void Every_lab_but_the_first_has_commands_to_run() =>
        Assert.Equal(11, LabPaths().Count(path => !path.EndsWith("00-run-it.md", StringComparison.Ordinal)));
}
