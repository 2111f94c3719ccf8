namespace FoodOrdering.LocalSystem;

/// <summary>
/// One launcher per data folder. A second `./ftgo up` on the same checkout would otherwise take the
/// first one's live processes for leftovers and kill them. The lock is an flock on launcher.lock (what
/// .NET takes for FileShare.None on Linux): the kernel drops it when its process ends, however it ends,
/// even by SIGKILL, so a killed launcher never blocks the next one. Its children do not inherit it
/// (.NET opens files close-on-exec). The holder writes its pid to launcher.pid for the refusal message.
/// </summary>
public sealed class LauncherLock : IDisposable
{
    private const string LockFileName = "launcher.lock";
    private const string PidFileName = "launcher.pid";

    private readonly FileStream lockFile;
    private readonly string pidFile;

    private LauncherLock(FileStream lockFile, string pidFile)
    {
        this.lockFile = lockFile;
        this.pidFile = pidFile;
    }

    /// <summary>Takes the data folder, or throws an <see cref="InvalidOperationException"/> naming the launcher that has it.</summary>
    public static LauncherLock Acquire(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, PidFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "";
            var pid = int.TryParse(holder, out var p) ? p.ToString() : "unknown";
            throw new InvalidOperationException(
                $"Another launcher (pid {pid}) is running on {dataDirectory}. Stop it with Ctrl+C in its terminal"
                + (pid == "unknown" ? "" : $" or `kill {pid}`")
                + " (it stops everything it started), or run this one elsewhere: --data-dir DIR --free-ports.");
        }
        File.WriteAllText(pidFile, Environment.ProcessId.ToString());
        return new LauncherLock(lockFile, pidFile);
    }

    public void Dispose()
    {
        // The lock file stays: deleted, a launcher still opening the old one and a new one creating another could both "hold" it.
        File.Delete(pidFile);
        lockFile.Dispose();
    }
}
