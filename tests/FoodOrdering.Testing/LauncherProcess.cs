using System.Collections.Concurrent;
using System.Diagnostics;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Testing;

/// <summary>
/// The launcher behind `./ftgo` as a real process, started the way a person starts it (give it a
/// <see cref="LauncherDataFolder"/>). Disposing stops it as Ctrl+C does, if it still runs.
/// </summary>
public sealed class LauncherProcess : IAsyncDisposable
{
    public static readonly string Assembly = SystemCatalog.BuiltAssembly("tools/Launcher", "FoodOrdering.Launcher");

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private LauncherProcess(Process process) => this.process = process;

    public int Pid => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>Everything it printed, stdout and stderr.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>
    /// `dotnet FoodOrdering.Launcher.dll arguments...` (or <paramref name="program"/> wrapping that command line).
    /// On the shared test PostgreSQL and RabbitMQ when <paramref name="sharedInfrastructure"/>, else on private ones of its own.
    /// </summary>
    public static async Task<LauncherProcess> StartAsync(bool sharedInfrastructure, IEnumerable<string> arguments,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? program = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        IReadOnlyList<string> commandLine = ["dotnet", Assembly, .. arguments];
        commandLine = program?.Invoke(commandLine) ?? commandLine;
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // kept open: a launcher wrapped in `script` reads its terminal from it
            UseShellExecute = false,
            WorkingDirectory = SystemCatalog.RepositoryRoot(),
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["FTGO_POSTGRES"] = sharedInfrastructure ? await TestInfrastructure.PostgresServerAsync() : null;
        startInfo.Environment["FTGO_RABBITMQ"] = sharedInfrastructure ? await TestInfrastructure.RabbitMqUriAsync() : null;
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var launcher = new LauncherProcess(process);
        process.OutputDataReceived += (_, e) => launcher.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => launcher.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return launcher;
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    /// <summary>Waits until it printed a line containing <paramref name="text"/> (fails at once if it exits first).</summary>
    public Task WaitForLineAsync(string text, TimeSpan timeout) =>
        Wait.UntilAsync(_ => Task.FromResult(output.Any(line => line.Contains(text))
                || (process.HasExited ? throw new InvalidOperationException($"The launcher exited ({process.ExitCode}) before printing '{text}':{Environment.NewLine}{Output}") : false)),
            timeout, $"the launcher to print '{text}'", CancellationToken.None, () => Output);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The launcher did not exit within {timeout.TotalSeconds:0}s:{Environment.NewLine}{Output}");
        }
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Posix.Signal(process.Id, Posix.SigInt);
            using var grace = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }
}

/// <summary>
/// A launcher's --data-dir for one test (world-readable, so PostgreSQL's user can reach it when we run
/// as root). Disposing ends every process still running for it, whatever happened, and removes it.
/// </summary>
public sealed class LauncherDataFolder : IDisposable
{
    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ftgo-launcher-{Guid.NewGuid():N}")).FullName;

    /// <summary>The process ids the launcher recorded as started (services, RabbitMQ, epmd, postmaster).</summary>
    public IReadOnlyList<int> StartedPids() => [.. File.ReadAllLines(Path.Combine(Folder, "started.pids")).Select(int.Parse)];

    /// <summary>
    /// The live processes started for this folder: those its launcher recorded and still lists, and any
    /// whose command line or environment names the folder (the launcher itself, PostgreSQL, RabbitMQ, epmd).
    /// </summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Processes()
    {
        var mentioning = ProcessTable.Mentioning(Folder);
        var recorded = File.Exists(Path.Combine(Folder, "started.pids")) ? StartedPids() : [];
        return [.. mentioning, .. recorded.Where(pid => Posix.IsAlive(pid) && mentioning.All(p => p.Pid != pid)).Select(pid => (pid, "(recorded in started.pids)"))];
    }

    public void Dispose()
    {
        foreach (var leftover in Processes())
        {
            Posix.Signal(leftover.Pid, Posix.SigKill);
        }
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>The processes of this machine, read from /proc.</summary>
public static class ProcessTable
{
    /// <summary>Every live process (but this one) whose command line or environment names <paramref name="text"/>.</summary>
    public static List<(int Pid, string CommandLine)> Mentioning(string text)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || !Posix.IsAlive(pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text) || File.ReadAllText(Path.Combine(dir, "environ")).Contains(text))
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }
        return found;
    }
}
