using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Launcher.Tests;

/// <summary>
/// The launcher as people meet it: real launcher processes, started like `./ftgo up`, here on the shared
/// test PostgreSQL and RabbitMQ so that each one starts only the services (what a second launcher could hurt).
/// </summary>
public sealed class LauncherProcessTests
{
    private static readonly TimeSpan StartUp = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_second_launcher_on_the_same_data_folder_refuses_and_leaves_the_first_ones_processes_running()
    {
        using var data = new LauncherDataFolder();
        await using var first = await LauncherProcess.StartAsync(sharedInfrastructure: true, ["up", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder]);
        await first.WaitForLineAsync("All healthy", StartUp);
        var started = data.StartedPids();

        await using var second = await LauncherProcess.StartAsync(sharedInfrastructure: true, ["up", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder]);

        Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"Another launcher (pid {first.Pid}) is running on {data.Folder}", second.Output);
        Assert.Contains($"kill {first.Pid}", second.Output);
        Assert.False(first.HasExited, first.Output);
        Assert.All(started, pid => Assert.True(Posix.IsAlive(pid), $"the first launcher's process {pid} was stopped"));
        Assert.Equal(started, data.StartedPids());
    }

    [Fact]
    public async Task A_launcher_killed_with_SIGKILL_leaves_processes_that_the_next_launcher_stops()
    {
        using var data = new LauncherDataFolder();
        IReadOnlyList<int> leftovers;
        await using (var killed = await LauncherProcess.StartAsync(sharedInfrastructure: true, ["up", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder]))
        {
            await killed.WaitForLineAsync("All healthy", StartUp);
            leftovers = data.StartedPids();
            Posix.Signal(killed.Pid, Posix.SigKill);
            await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.All(leftovers, pid => Assert.True(Posix.IsAlive(pid), $"process {pid} ended with its launcher: nothing left to clean"));

        await using var next = await LauncherProcess.StartAsync(sharedInfrastructure: true, ["up", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder]);
        await next.WaitForLineAsync("All healthy", StartUp);

        Assert.All(leftovers, pid => Assert.Contains($"Stopping process {pid} left behind by an earlier launcher", next.Output));
        Assert.All(leftovers, pid => Assert.False(Posix.IsAlive(pid), $"leftover {pid} still runs"));
    }

    [Fact]
    public async Task Closing_the_terminal_stops_everything_like_Ctrl_C()
    {
        using var data = new LauncherDataFolder();
        // `script` runs the launcher on a terminal of its own (a pty): killing `script` closes that terminal,
        // as closing a terminal window does, so the kernel sends SIGHUP and later writes to it fail.
        await using var terminal = await LauncherProcess.StartAsync(sharedInfrastructure: true, ["up", "--free-ports", "--no-trace-viewer", "--data-dir", data.Folder],
            program: commandLine => ["script", "--quiet", "--flush", "--command", string.Join(' ', commandLine.Select(Quote)), "/dev/null"]);
        await terminal.WaitForLineAsync("All healthy", StartUp);
        var launcherPid = int.Parse(File.ReadAllText(Path.Combine(data.Folder, "launcher.pid")));
        var started = data.StartedPids();

        Posix.Signal(terminal.Pid, Posix.SigKill);

        await Wait.UntilAsync(_ => Task.FromResult(data.Processes().Count == 0), TimeSpan.FromMinutes(1), "the launcher and everything it started to end",
            CancellationToken.None, () => string.Join(Environment.NewLine, data.Processes()));
        Assert.All(started.Append(launcherPid), pid => Assert.False(Posix.IsAlive(pid), $"process {pid} still runs"));
        Assert.False(File.Exists(Path.Combine(data.Folder, "started.pids")), "the launcher did not stop in order (it removes its pid list last)");
    }

    [Theory]
    [InlineData("up", "--freeports")]
    [InlineData("infra", "--data-dir")]
    [InlineData("demo", "--free-ports", "extra")]
    [InlineData("upp")]
    [InlineData("up", "--kitchen-instances", "9")]
    [InlineData("up", "--kitchen-instances")]
    public async Task A_mistyped_command_line_is_refused_with_the_usage_and_exit_code_2(params string[] arguments)
    {
        await using var launcher = await LauncherProcess.StartAsync(sharedInfrastructure: false, arguments);

        Assert.Equal(2, await launcher.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("usage: ./ftgo <command> [options]", launcher.Output);
        Assert.Contains("ftgo: ", launcher.Output);
    }

    private static string Quote(string argument) => $"'{argument.Replace("'", "'\\''")}'";
}
