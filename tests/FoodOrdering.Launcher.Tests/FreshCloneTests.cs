using System.Diagnostics;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Tests;

/// <summary>What a newcomer types first, in a copy of the repository that was never built.</summary>
public sealed class FreshCloneTests : IDisposable
{
    private readonly string clone = Directory.CreateTempSubdirectory("ftgo-fresh-clone-").FullName;

    public void Dispose() => Directory.Delete(clone, recursive: true);

    [Fact]
    public async Task Ftgo_without_a_command_builds_the_launcher_and_prints_the_usage()
    {
        // The files a clone has: tracked ones, plus new ones not ignored (nothing built, no node_modules, no .ftgo).
        var files = (await Tool.RunAsync("git", ["-C", SystemCatalog.RepositoryRoot(), "ls-files", "--cached", "--others", "--exclude-standard"], CancellationToken.None))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files.Where(f => File.Exists(Path.Combine(SystemCatalog.RepositoryRoot(), f))))
        {
            var target = Path.Combine(clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(SystemCatalog.RepositoryRoot(), file), target);
        }
        Assert.False(Directory.Exists(Path.Combine(clone, "tools", "Launcher", "bin")));

        var (exitCode, output) = await RunAsync(Path.Combine(clone, "ftgo"));

        Assert.True(exitCode == 2, output);
        Assert.Contains("usage: ./ftgo <command> [options]", output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
