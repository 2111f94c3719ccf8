using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>README: "`./ftgo infra`, then run one service from your IDE".</summary>
[Collection(InfraOnDefaultPortsCollection.Name)]
public sealed class IdeRunTests(InfraOnDefaultPorts infra)
{
    [Fact]
    public async Task After_ftgo_infra_a_service_run_the_IDE_way_finds_the_private_servers_and_is_ready()
    {
        var url = $"http://127.0.0.1:{Network.FreePort()}";
        await using var consumer = infra.RunService("consumer", "--urls", url, "--Grpc:Port", Network.FreePort().ToString());

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(async ct =>
            {
                if (consumer.HasExited)
                {
                    throw new InvalidOperationException("The service exited:" + Environment.NewLine + string.Join(Environment.NewLine, consumer.RecentLines));
                }
                try
                {
                    using var response = await http.GetAsync($"{url}/health/ready", ct);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromMinutes(2), $"{url}/health/ready to answer 200", CancellationToken.None, () => string.Join(Environment.NewLine, consumer.RecentLines));
        // Logged at start-up, through the console logger's queue and the process's pipe: it may trail the first 200.
        await Wait.UntilAsync(_ => Task.FromResult(consumer.RecentLines.Any(line => line.Contains("Hosting environment: Development"))),
            TimeSpan.FromSeconds(10), "the log line \"Hosting environment: Development\"", CancellationToken.None,
            () => string.Join(Environment.NewLine, consumer.RecentLines));
    }
}

/// <summary>
/// Lab 0's database-per-service commands (docs/workshop/00-run-it.md), taken from the page and run as printed
/// (with `./ftgo infra` running). They are an `sh` block there, not `bash`: the runnable-docs test runs `bash`
/// blocks against a started system, and these need `./ftgo infra` and job control instead.
/// </summary>
[Collection(InfraOnDefaultPortsCollection.Name)]
public sealed partial class LabTests(InfraOnDefaultPorts infra)
{
    private static readonly string Lab0 = File.ReadAllText(Path.Combine(SystemCatalog.RepositoryRoot(), "docs", "workshop", "00-run-it.md"));

    [Fact]
    public async Task Lab_0_database_per_service_commands_run_as_printed()
    {
        var lab = Lab0[Lab0.IndexOf("## Database per service", StringComparison.Ordinal)..];
        var start = AsThePortsAre(ShBlock().Match(lab).Groups["commands"].Value);
        var psql = AsThePortsAre(InlineCommand().Matches(lab).Select(m => m.Groups["command"].Value).Single(c => c.StartsWith("psql ", StringComparison.Ordinal)));
        Assert.Contains("`kill %1 %2`", lab);
        var urls = Url().Matches(start).Select(m => m.Value).ToList();
        Assert.Equal(2, urls.Count);

        // One shell, as the reader's: job control on, so %1 and %2 name the two services. Its marker is in
        // every child's environment, so whatever the lab started is found and ended, even if the test fails.
        var marker = $"FTGO_LAB_{Guid.NewGuid():N}";
        var script = $"""
            set -m
            {start}
            timeout 120 sh -c 'until {string.Join(" && ", urls.Select(u => $"curl -sf {u}/health/ready >/dev/null"))}; do sleep 0.2; done'
            echo "both ready: $?"
            {psql}
            kill %1 %2
            wait
            """;
        await using var shell = ManagedProcess.Start("lab3", 36, "bash", ["-c", script], SystemCatalog.RepositoryRoot(),
            new Dictionary<string, string?>(infra.ReplacedPorts.ToDictionary(v => v.Key, v => (string?)v.Value)) { [marker] = "1" });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            Assert.Equal(0, await shell.WaitForExitAsync(timeout.Token));
            var output = string.Join(Environment.NewLine, shell.RecentLines);

            Assert.Contains("both ready: 0", output);
            // psql's table: the messaging track's versions 1 to 3 and the Consumer's own 1 and 2, each once.
            Assert.Single(shell.RecentLines, line => Regex.IsMatch(line, @"^\s*messaging\s*\|\s*1 \|"));
            Assert.Single(shell.RecentLines, line => Regex.IsMatch(line, @"^\s*messaging\s*\|\s*2 \|"));
            Assert.Single(shell.RecentLines, line => Regex.IsMatch(line, @"^\s*messaging\s*\|\s*3 \|"));
            Assert.Single(shell.RecentLines, line => Regex.IsMatch(line, @"^\s*service\s*\|\s*1 \|"));
            Assert.Single(shell.RecentLines, line => Regex.IsMatch(line, @"^\s*service\s*\|\s*2 \|"));
            Assert.Contains("(5 rows)", output);
            // Both services started; one of them applied the migrations, the other found them applied.
            Assert.Single(shell.RecentLines, line => line.Contains("Applied migration service 1 "));
            Assert.Equal(2, shell.RecentLines.Count(line => line.Contains("Now listening on: http://127.0.0.1:910")));
            await Wait.UntilAsync(_ => Task.FromResult(ProcessTable.Mentioning(marker).Count == 0), TimeSpan.FromSeconds(30),
                "`kill %1 %2` to stop both services", CancellationToken.None, () => string.Join(Environment.NewLine, ProcessTable.Mentioning(marker)));
        }
        finally
        {
            foreach (var leftover in ProcessTable.Mentioning(marker))
            {
                Posix.Signal(leftover.Pid, Posix.SigKill);
            }
        }
    }

    /// <summary>The page names the default port; a reader whose `./ftgo infra` printed another uses that one.</summary>
    private string AsThePortsAre(string commands) =>
        commands.Replace($"Port={SystemCatalog.PostgresPort};", $"Port={infra.PostgresPort};").Replace($"-p {SystemCatalog.PostgresPort} ", $"-p {infra.PostgresPort} ");

    [GeneratedRegex(@"```sh\n(?<commands>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();

    [GeneratedRegex(@"`(?<command>[^`\n]+)`")]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Url();
}
