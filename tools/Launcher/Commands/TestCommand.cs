using System.Diagnostics;
using System.Text.RegularExpressions;
using FoodOrdering.ApiCompatibility;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// `./ftgo test`: install what the tests need (system packages as root, grpc-js, buf, @asyncapi/diff and kubernetes-models with npm), check the
/// style, start ONE private PostgreSQL and ONE RabbitMQ for the whole run, hand them to every test
/// assembly through FTGO_POSTGRES / FTGO_RABBITMQ, run `dotnet test`, stop them, print a summary.
/// </summary>
public static partial class TestCommand
{
    /// <summary>The grpc-js peer of the gRPC interop tests (package.json, package-lock.json).</summary>
    private const string InteropFolder = "tests/FoodOrdering.Grpc.Tests/interop";

    /// <summary>newman, which runs the Postman collection in the end-to-end tests (PostmanCollectionTests).</summary>
    private const string PostmanFolder = "docs/postman";

    /// <summary>The schema validator of the rendered k8s/ objects (kubernetes-models), for DeploymentFilesTests.</summary>
    private const string KubernetesSchemaFolder = "tests/FoodOrdering.EndToEnd.Tests/kubernetes-schema";

    public static async Task<int> RunAsync(string repositoryRoot, IReadOnlyList<string> testArguments, CancellationToken stop)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ftgo-test-{Environment.ProcessId}");
        var options = new LaunchOptions { DataDirectory = dataDirectory, FreePorts = true, InfrastructureOnly = true };
        // Everything a fresh Debian machine lacks, named in one install line, or installed in one apt-get run as root.
        await Prerequisites.OfThisMachine.EnsureInstalledAsync([.. options.SystemPackages, .. Prerequisites.TestTools], stop);
        await NpmCiAsync(Path.Combine(repositoryRoot, InteropFolder), stop);
        await NpmCiAsync(Path.Combine(repositoryRoot, KubernetesSchemaFolder), stop);
        // The breaking-change checkers of the API compatibility tests: buf and @asyncapi/diff (docs/api-evolution.md).
        await NpmCiAsync(new ApiSurface(repositoryRoot).ApiFolder, stop);
        await NpmCiAsync(Path.Combine(repositoryRoot, PostmanFolder), stop);
        // Style is part of the build (fix with: dotnet format FoodOrdering.sln).
        ConsoleLog.Info("dotnet format --verify-no-changes");
        await Tool.RunAsync("dotnet", ["format", Path.Combine(repositoryRoot, "FoodOrdering.sln"), "--verify-no-changes", "--no-restore"], stop);

        ConsoleLog.Info("Starting the shared test infrastructure (PostgreSQL, RabbitMQ)...");
        ConsoleLog.QuietProcesses = true; // their logs stay in the data folder; test output stays readable
        var exitCode = 1;
        try
        {
            await using (var system = await FtgoSystem.StartAsync(options, stop))
            {
                ConsoleLog.Info($"FTGO_POSTGRES={system.PostgresServer}");
                ConsoleLog.Info($"FTGO_RABBITMQ={system.RabbitMqUri}");
                exitCode = await RunDotnetTestAsync(repositoryRoot, system, testArguments, stop);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        return exitCode;
    }

    /// <summary>`npm ci` when node_modules is missing or older than package-lock.json; otherwise nothing.</summary>
    public static async Task NpmCiAsync(string folder, CancellationToken stop)
    {
        var modules = Path.Combine(folder, "node_modules");
        if (Directory.Exists(modules) && Directory.GetLastWriteTimeUtc(modules) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json")))
        {
            return;
        }
        ConsoleLog.Info($"npm ci --prefix {Path.GetRelativePath(Environment.CurrentDirectory, folder)}");
        await Tool.RunAsync("npm", ["ci", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error"], stop);
        Directory.SetLastWriteTimeUtc(modules, DateTime.UtcNow);
    }

    private static async Task<int> RunDotnetTestAsync(string repositoryRoot, FtgoSystem system, IReadOnlyList<string> testArguments, CancellationToken stop)
    {
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["test", "FoodOrdering.sln", "--no-build", .. testArguments])
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["FTGO_POSTGRES"] = system.PostgresServer;
        startInfo.Environment["FTGO_RABBITMQ"] = system.RabbitMqUri;

        int passed = 0, failed = 0, skipped = 0;
        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            Console.WriteLine(e.Data);
            // VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, ..."
            if (SummaryLine().Match(e.Data) is { Success: true } m)
            {
                Interlocked.Add(ref failed, int.Parse(m.Groups["failed"].Value));
                Interlocked.Add(ref passed, int.Parse(m.Groups["passed"].Value));
                Interlocked.Add(ref skipped, int.Parse(m.Groups["skipped"].Value));
            }
        };
        process.BeginOutputReadLine();
        await process.WaitForExitAsync(stop);

        // The plain closing line any CI can read.
        Console.WriteLine($"tests: {passed} passed, {failed} failed, {skipped} skipped");
        return process.ExitCode != 0 || failed > 0 || passed == 0 ? 1 : 0;
    }

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+),\s+Skipped:\s+(?<skipped>\d+)")]
    private static partial Regex SummaryLine();
}
