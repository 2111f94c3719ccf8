using System.Runtime.InteropServices;

namespace FoodOrdering.LocalSystem.Processes;

/// <summary>The two POSIX calls .NET does not offer: a polite SIGTERM and signalling a process group.</summary>
public static partial class Posix
{
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignalDisposition(int signal, nint handler);

    /// <summary>
    /// A shell starts background jobs with SIGINT ignored, and .NET leaves an ignored signal ignored.
    /// The launcher wants Ctrl+C/SIGINT however it was started, so it restores the default first.
    /// </summary>
    public static void RestoreDefaultInterruptHandling() => SetSignalDisposition(SigInt, 0 /* SIG_DFL */);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>Sends <paramref name="signal"/>; false if the process no longer exists.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Signals every process of the group led by <paramref name="groupLeaderPid"/> (started with setsid).</summary>
    public static bool SignalGroup(int groupLeaderPid, int signal) => Kill(-groupLeaderPid, signal) == 0;

    /// <summary>True while a process with that id exists (and is not a zombie we could reap).</summary>
    public static bool IsAlive(int pid)
    {
        if (Kill(pid, 0) != 0)
        {
            return false;
        }
        try
        {
            // A zombie still answers kill(0); it has stopped running, which is what callers ask.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
