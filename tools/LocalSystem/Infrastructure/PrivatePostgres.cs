using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster in a folder of ours, on 127.0.0.1 only, with wal_level=logical
/// (transaction log tailing needs it) and max_slot_wal_keep_size=1GB (an abandoned replication slot
/// cannot fill the disk; the relay recreates an invalidated one). PostgreSQL refuses to run as root, so as root the cluster
/// belongs to the 'postgres' system user. Authentication is 'trust' on loopback: a demo default.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string User = "ftgo";

    private readonly string binDirectory;
    private readonly string dataDirectory;

    private PrivatePostgres(string binDirectory, string directory, int port)
    {
        this.binDirectory = binDirectory;
        Directory = directory;
        dataDirectory = Path.Combine(directory, "data");
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }

    /// <summary>The server without a database: services append their own (database-per-service).</summary>
    public string ServerConnectionString => $"Host=127.0.0.1;Port={Port};Username={User};Password={User}";

    public int? PostmasterPid =>
        File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid)
            ? pid
            : null;

    public static async Task<PrivatePostgres> StartAsync(string directory, int port, CancellationToken cancellationToken)
    {
        var bin = await Prerequisites.OfThisMachine.PostgresBinDirectoryAsync(cancellationToken);
        var postgres = new PrivatePostgres(bin, Path.GetFullPath(directory), port);
        await postgres.StartAsync(cancellationToken);
        return postgres;
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (Posix.IsRoot)
        {
            await Tool.RunAsync("chown", ["-R", "postgres:postgres", Directory], cancellationToken);
            try
            {
                await Tool.RunAsync("runuser", ["-u", "postgres", "--", "test", "-w", Directory], cancellationToken);
            }
            catch (InvalidOperationException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL runs as the 'postgres' user, which cannot reach {Directory}: choose a data folder whose parents are world-readable (e.g. under /tmp or the repository).");
            }
        }
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await PgToolAsync("initdb", ["-D", dataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync"], cancellationToken);
        }
        if (PostmasterPid is { } stale && Posix.IsAlive(stale))
        {
            // Left over from a launcher that was killed: stop it before starting on a known port.
            await StopServerAsync(CancellationToken.None);
        }

        var serverOptions = string.Join(' ',
            $"-p {Port}", $"-k {Directory}", "-c listen_addresses=127.0.0.1",
            "-c wal_level=logical", "-c max_wal_senders=10", "-c max_replication_slots=10", "-c max_slot_wal_keep_size=1GB",
            "-c max_connections=300", "-c fsync=off", "-c synchronous_commit=on");
        // setsid: the postmaster must not share the terminal's process group, or Ctrl+C would stop it
        // before the services that still use it.
        var log = Path.Combine(Directory, "postgres.log");
        try
        {
            await PgToolAsync("pg_ctl", ["-D", dataDirectory, "-l", log, "-o", serverOptions, "-w", "-t", "60", "start"], cancellationToken, setsid: true);
        }
        catch (InvalidOperationException e) when (File.Exists(log))
        {
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}{log}:{Environment.NewLine}{string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15))}");
        }
    }

    public async ValueTask DisposeAsync() => await StopServerAsync(CancellationToken.None);

    /// <summary>
    /// Immediate shutdown by signal (SIGQUIT to the postmaster ends its children too), for the last
    /// moments of a process (ProcessExit), when .NET can no longer run and wait for pg_ctl.
    /// </summary>
    public void Kill()
    {
        if (PostmasterPid is { } pid && Posix.IsAlive(pid))
        {
            Posix.Signal(pid, Posix.SigQuit);
        }
    }

    private async Task StopServerAsync(CancellationToken cancellationToken)
    {
        var pid = PostmasterPid;
        if (pid is null || !Posix.IsAlive(pid.Value))
        {
            return;
        }
        try
        {
            await PgToolAsync("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            ConsoleLog.Error($"pg_ctl stop failed, killing the postmaster: {e.Message}");
            Posix.Signal(pid.Value, Posix.SigKill);
        }
    }

    private Task<string> PgToolAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken, bool setsid = false)
    {
        var command = new List<string>();
        if (setsid)
        {
            command.Add("setsid");
        }
        if (Posix.IsRoot)
        {
            command.AddRange(["runuser", "-u", "postgres", "--"]);
        }
        command.Add(Path.Combine(binDirectory, tool));
        command.AddRange(arguments);
        return Tool.RunAsync(command[0], command.Skip(1), cancellationToken);
    }
}
