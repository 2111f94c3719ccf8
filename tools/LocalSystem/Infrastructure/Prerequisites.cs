using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem.Infrastructure;

/// <summary>
/// Finds the PostgreSQL and RabbitMQ binaries of the system packages. When they are missing it says
/// exactly what to install, and installs them itself when it runs as root on Debian/Ubuntu.
/// </summary>
public static class Prerequisites
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static async Task<string> PostgresBinDirectoryAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync("postgresql", () => FindPostgresBinDirectory() is not null, cancellationToken);
        return FindPostgresBinDirectory()!;
    }

    public static async Task<(string Server, string Epmd)> RabbitMqAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync("rabbitmq-server", () => FindRabbitMq() is not null, cancellationToken);
        return FindRabbitMq()!.Value;
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin, or the folder of initdb on PATH.</summary>
    private static string? FindPostgresBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var versioned = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
        if (versioned is not null)
        {
            return versioned;
        }
        var initdb = Tool.FindOnPath("initdb");
        return initdb is null ? null : Path.GetDirectoryName(initdb);
    }

    private static (string Server, string Epmd)? FindRabbitMq()
    {
        // The real start script, not the /usr/sbin wrapper that switches to the rabbitmq user.
        const string server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
        var epmd = Tool.FindOnPath("epmd") ?? Directory.GetFiles("/usr/lib/erlang", "epmd", SearchOption.AllDirectories).FirstOrDefault();
        return File.Exists(server) && epmd is not null ? (server, epmd) : null;
    }

    private static async Task EnsureInstalledAsync(string package, Func<bool> isInstalled, CancellationToken cancellationToken)
    {
        if (isInstalled())
        {
            return;
        }
        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            if (isInstalled())
            {
                return;
            }
            var aptGet = Tool.FindOnPath("apt-get");
            if (!Posix.IsRoot || aptGet is null || Environment.GetEnvironmentVariable("FTGO_NO_INSTALL") is not null)
            {
                throw new InvalidOperationException(
                    $"The '{package}' package is missing. Install it with: sudo apt-get update && sudo apt-get install -y {package}");
            }
            ConsoleLog.Info($"Installing {package} with apt-get (once)...");
            var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await Tool.RunAsync(aptGet, ["update", "-q"], cancellationToken, environment);
            await Tool.RunAsync(aptGet, ["install", "-y", "-q", package], cancellationToken, environment);
            if (!isInstalled())
            {
                throw new InvalidOperationException($"apt-get installed '{package}' but its binaries were not found.");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }
}
