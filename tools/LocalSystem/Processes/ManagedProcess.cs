using System.Collections.Concurrent;
using System.Diagnostics;

namespace FoodOrdering.LocalSystem.Processes;

/// <summary>
/// A child process the launcher owns. It runs in its own session (setsid), so a Ctrl+C in the
/// terminal reaches only the launcher, which then stops children in order: services first,
/// infrastructure last. Stop = SIGTERM, a grace period, then SIGKILL to the whole process group.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private const int RecentLineCount = 200;
    private readonly Process process;
    private readonly ConcurrentQueue<string> recentLines = new();

    private ManagedProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }
    public int Pid => process.Id;
    public bool HasExited => process.HasExited;

    /// <summary>The last lines it printed, to explain a failure.</summary>
    public IReadOnlyCollection<string> RecentLines => recentLines.ToArray();

    public static ManagedProcess Start(string name, int colour, string fileName, IEnumerable<string> arguments,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // children never read the terminal
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        startInfo.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process);
        process.OutputDataReceived += (_, e) => managed.OnLine(colour, e.Data);
        process.ErrorDataReceived += (_, e) => managed.OnLine(colour, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    private void OnLine(int colour, string? line)
    {
        if (line is null)
        {
            return;
        }
        recentLines.Enqueue(line);
        while (recentLines.Count > RecentLineCount && recentLines.TryDequeue(out _))
        {
        }
        ConsoleLog.ProcessLine(Name, colour, line);
    }

    /// <summary>Waits for the process to end on its own (for short-lived tools like initdb).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (process.HasExited)
        {
            return;
        }
        Posix.Signal(process.Id, Posix.SigTerm);
        using var grace = new CancellationTokenSource(gracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            ConsoleLog.Error($"{Name} (pid {process.Id}) did not stop within {gracePeriod.TotalSeconds:0}s: killing its process group");
        }
        // Whatever it started and left behind goes too (setsid made it a group leader).
        Posix.SignalGroup(process.Id, Posix.SigKill);
        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>
    /// Kills the process group at once, without waiting: for the last moments of a process (ProcessExit),
    /// when .NET can no longer observe its children end.
    /// </summary>
    public void Kill() => Posix.SignalGroup(process.Id, Posix.SigKill);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
    }
}
