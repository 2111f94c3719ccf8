using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Xunit.Abstractions;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// docs/postman/FoodOrdering.postman_collection.json, run by newman (npm, docs/postman/package.json; `./ftgo test`
/// installs it with npm ci) against a started system through its gateway: every request's tests pass.
/// </summary>
public sealed class PostmanCollectionTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(SystemCatalog.RepositoryRoot(), "docs", "postman");

    [Fact]
    public async Task Every_assertion_of_the_Postman_collection_passes_through_the_gateway()
    {
        var newman = Path.Combine(Folder, "node_modules", "newman", "bin", "newman.js");
        Assert.True(File.Exists(newman), $"Run `npm ci --prefix {Folder}` first (newman; ./ftgo test does).");
        await using var test = await TestSystem.StartAsync();

        await using var run = ManagedProcess.Start("newman", 36, "node",
            [newman, "run", "FoodOrdering.postman_collection.json", "-e", "FoodOrdering.postman_environment.json",
                "--env-var", $"baseUrl={test.Service("gateway").BaseUrl}", "--reporters", "cli", "--color", "off", "--disable-unicode"], Folder);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var exitCode = await run.WaitForExitAsync(timeout.Token);
        var report = string.Join(Environment.NewLine, run.RecentLines);
        output.WriteLine(report);

        Assert.True(exitCode == 0, $"newman failed (exit code {exitCode}):{Environment.NewLine}{report}");
        // newman's summary table: "|  assertions |  72 |  0 |" (executed, failed); a run that asserted nothing is no proof.
        var assertions = report.Split('\n').Single(line => line.Contains("assertions")).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(int.Parse(assertions[1]) >= 60, report);
        Assert.Equal("0", assertions[2]);
    }
}
