using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem.Infrastructure;

/// <summary>
/// The system packages the local system runs on, found where Debian/Ubuntu install them: PostgreSQL and
/// RabbitMQ (with Erlang) for `./ftgo up`, and the real gRPC peers for `./ftgo test`. When some are
/// missing it names them all in ONE install line, or, run as root with apt-get, installs them itself
/// (once; a second call finds them). Everything it looks at lies under <paramref name="root"/> or on
/// <paramref name="searchPath"/>, so tests point it at a folder of their own and a recording apt-get.
/// </summary>
/// <param name="root">The file system root to search ("/" for this machine).</param>
/// <param name="searchPath">Where executables are looked up (PATH).</param>
/// <param name="aptGet">apt-get, or null where there is none.</param>
/// <param name="mayInstall">True when apt-get may be run (root, and FTGO_NO_INSTALL not set).</param>
public sealed class Prerequisites(string root, string searchPath, string? aptGet, bool mayInstall)
{
    public const string PostgreSql = "postgresql";
    public const string RabbitMq = "rabbitmq-server";

    /// <summary>
    /// What the tests run besides .NET: the real gRPC peers (Debian's grpcio; node + npm for grpc-js), and
    /// curl and git, which a minimal Debian lacks (the lab test runs docs' curl commands; the fresh-clone test lists files with git);
    /// docker-compose (Debian's v1, whose `config` needs no engine) and kubectl (Debian's package is kubernetes-client; its
    /// `kubectl kustomize` renders without a cluster), which check docker-compose.yml and k8s/ (DeploymentFilesTests).
    /// </summary>
    public static readonly IReadOnlyList<string> TestTools = ["python3-grpcio", "python3-protobuf", "nodejs", "npm", "curl", "git", "docker-compose", "kubernetes-client"];

    private readonly SemaphoreSlim installGate = new(1, 1);

    /// <summary>This machine's packages; it installs only when run as root and FTGO_NO_INSTALL is not set.</summary>
    public static Prerequisites OfThisMachine { get; } = new("/", Environment.GetEnvironmentVariable("PATH") ?? "",
        Tool.FindOnPath("apt-get"), Posix.IsRoot && Environment.GetEnvironmentVariable("FTGO_NO_INSTALL") is null);

    /// <summary>The one line a person without root runs to install <paramref name="packages"/>.</summary>
    public static string InstallCommand(IEnumerable<string> packages) =>
        $"sudo apt-get update && sudo apt-get install -y {string.Join(' ', packages)}";

    public bool IsInstalled(string package) => package switch
    {
        PostgreSql => FindPostgresBinDirectory() is not null,
        RabbitMq => FindRabbitMq() is not null,
        "python3-grpcio" => File.Exists(Under("usr/lib/python3/dist-packages/grpc/__init__.py")),
        "python3-protobuf" => File.Exists(Under("usr/lib/python3/dist-packages/google/protobuf/__init__.py")),
        "nodejs" => FindExecutable("node") is not null,
        "npm" => FindExecutable("npm") is not null,
        "curl" => FindExecutable("curl") is not null,
        "git" => FindExecutable("git") is not null,
        "docker-compose" => FindExecutable("docker-compose") is not null,
        // Any kubectl will do (a kubectl from elsewhere, e.g. Google's "kubectl" package, renders kustomize the same way).
        "kubernetes-client" => FindExecutable("kubectl") is not null,
        _ => throw new ArgumentException($"No check is known for the package '{package}'.", nameof(package)),
    };

    public IReadOnlyList<string> Missing(IEnumerable<string> packages) => [.. packages.Distinct().Where(package => !IsInstalled(package))];

    /// <summary>
    /// Returns when every package is installed. Otherwise installs the missing ones with one apt-get run
    /// if it may, or throws an <see cref="InvalidOperationException"/> that gives the line to run.
    /// </summary>
    public async Task EnsureInstalledAsync(IReadOnlyCollection<string> packages, CancellationToken cancellationToken)
    {
        if (Missing(packages).Count == 0)
        {
            return;
        }
        // PostgreSQL and RabbitMQ start in parallel: one apt-get at a time (dpkg holds a lock anyway).
        await installGate.WaitAsync(cancellationToken);
        try
        {
            var missing = Missing(packages);
            if (missing.Count == 0)
            {
                return;
            }
            if (!mayInstall || aptGet is null)
            {
                throw new InvalidOperationException(
                    $"Missing system packages: {string.Join(", ", missing)}. Install them with:{Environment.NewLine}    {InstallCommand(missing)}");
            }
            ConsoleLog.Info($"Installing {string.Join(' ', missing)} with apt-get (once)...");
            var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await Tool.RunAsync(aptGet, ["update", "-q"], cancellationToken, environment);
            await Tool.RunAsync(aptGet, ["install", "-y", "-q", .. missing], cancellationToken, environment, echo: true);
            if (Missing(packages) is { Count: > 0 } stillMissing)
            {
                throw new InvalidOperationException($"apt-get installed {string.Join(", ", stillMissing)}, but their files were not found under {root}.");
            }
        }
        finally
        {
            installGate.Release();
        }
    }

    public async Task<string> PostgresBinDirectoryAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync([PostgreSql], cancellationToken);
        return FindPostgresBinDirectory()!;
    }

    public async Task<(string Server, string Epmd)> RabbitMqAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync([RabbitMq], cancellationToken);
        return FindRabbitMq()!.Value;
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin, or the folder of an initdb on the search path.</summary>
    public string? FindPostgresBinDirectory()
    {
        var versions = Under("usr/lib/postgresql");
        var newest = Directory.Exists(versions)
            ? Directory.GetDirectories(versions)
                .Select(dir => (Bin: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Bin, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Bin)
                .FirstOrDefault()
            : null;
        return newest ?? (FindExecutable("initdb") is { } initdb ? Path.GetDirectoryName(initdb) : null);
    }

    /// <summary>RabbitMQ's real start script (not the /usr/sbin wrapper that switches to the rabbitmq user) and Erlang's epmd.</summary>
    public (string Server, string Epmd)? FindRabbitMq()
    {
        var server = Under("usr/lib/rabbitmq/bin/rabbitmq-server");
        if (!File.Exists(server))
        {
            return null;
        }
        // Debian links epmd into /usr/bin; otherwise it sits in Erlang's runtime folder, if Erlang is there at all.
        var erlang = Under("usr/lib/erlang");
        var epmd = FindExecutable("epmd")
            ?? (Directory.Exists(erlang) ? Directory.GetFiles(erlang, "epmd", SearchOption.AllDirectories).FirstOrDefault() : null);
        return epmd is null ? null : (server, epmd);
    }

    private string Under(string relativePath) => Path.Combine(root, relativePath);

    private string? FindExecutable(string name) => Tool.FindOnPath(name, searchPath);
}
