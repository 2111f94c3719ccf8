using System.Runtime.Versioning;
using FoodOrdering.LocalSystem.Infrastructure;

namespace FoodOrdering.Launcher.Tests;

/// <summary>
/// What a fresh machine meets: Prerequisites looks under a root folder of this test's own, and "apt-get"
/// is a script that records its arguments and lays out the files each package installs on Debian
/// (so the detection that follows an install is the real one).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PrerequisitesTests : IDisposable
{
    private static readonly string[] Infrastructure = [Prerequisites.PostgreSql, Prerequisites.RabbitMq];

    // The files Debian 12's packages put where Prerequisites looks (PostgreSQL 15, Erlang 25's epmd).
    private static readonly Dictionary<string, string[]> PackageFiles = new()
    {
        [Prerequisites.PostgreSql] = ["usr/lib/postgresql/15/bin/initdb", "usr/lib/postgresql/15/bin/pg_ctl"],
        [Prerequisites.RabbitMq] = ["usr/lib/rabbitmq/bin/rabbitmq-server", "usr/lib/erlang/erts-13.1.5/bin/epmd"],
        ["python3-grpcio"] = ["usr/lib/python3/dist-packages/grpc/__init__.py"],
        ["python3-protobuf"] = ["usr/lib/python3/dist-packages/google/protobuf/__init__.py"],
        ["nodejs"] = ["usr/bin/node"],
        ["npm"] = ["usr/bin/npm"],
        ["curl"] = ["usr/bin/curl"],
        ["git"] = ["usr/bin/git"],
        ["docker-compose"] = ["usr/bin/docker-compose"],
        ["kubernetes-client"] = ["usr/bin/kubectl"],
    };

    private readonly string root = Directory.CreateTempSubdirectory("ftgo-prerequisites-").FullName;

    private string AptGet => Path.Combine(root, "fake-apt-get");
    private string AptLog => Path.Combine(root, "apt-get.log");

    public PrerequisitesTests() => WriteFakeAptGet();

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Prerequisites Machine(bool asRoot) => new(root, Path.Combine(root, "usr/bin"), AptGet, mayInstall: asRoot);

    private IReadOnlyList<string> AptGetCalls => File.Exists(AptLog) ? File.ReadAllLines(AptLog) : [];

    [Fact]
    public async Task Nothing_installed_and_not_root_gives_the_one_line_to_run()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Machine(asRoot: false).EnsureInstalledAsync(Infrastructure, CancellationToken.None));

        Assert.Contains("sudo apt-get update && sudo apt-get install -y postgresql rabbitmq-server", error.Message);
        Assert.Empty(AptGetCalls);
    }

    [Fact]
    public async Task Nothing_installed_as_root_installs_all_of_it_with_one_apt_get_run_then_finds_the_binaries()
    {
        var machine = Machine(asRoot: true);

        await machine.EnsureInstalledAsync(Infrastructure, CancellationToken.None);

        Assert.Equal(["noninteractive update -q", "noninteractive install -y -q postgresql rabbitmq-server"], AptGetCalls);
        Assert.Equal(Path.Combine(root, "usr/lib/postgresql/15/bin"), machine.FindPostgresBinDirectory());
        // No /usr/bin/epmd here: found in Erlang's runtime folder.
        Assert.Equal((Path.Combine(root, "usr/lib/rabbitmq/bin/rabbitmq-server"), Path.Combine(root, "usr/lib/erlang/erts-13.1.5/bin/epmd")),
            machine.FindRabbitMq());
    }

    [Fact]
    public async Task Without_erlang_rabbitmq_counts_as_missing_instead_of_failing_the_search()
    {
        Install(Prerequisites.PostgreSql);

        Assert.False(Directory.Exists(Path.Combine(root, "usr/lib/erlang")));
        Assert.Null(Machine(asRoot: false).FindRabbitMq());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Machine(asRoot: false).EnsureInstalledAsync(Infrastructure, CancellationToken.None));
        Assert.Contains("sudo apt-get update && sudo apt-get install -y rabbitmq-server", error.Message);
    }

    [Fact]
    public async Task Partly_installed_as_root_installs_only_what_is_missing()
    {
        Install(Prerequisites.PostgreSql);
        Install("nodejs");

        await Machine(asRoot: true).EnsureInstalledAsync([.. Infrastructure, .. Prerequisites.TestTools], CancellationToken.None);

        Assert.Equal(["noninteractive update -q", "noninteractive install -y -q rabbitmq-server python3-grpcio python3-protobuf npm curl git docker-compose kubernetes-client"], AptGetCalls);
        Assert.Empty(Machine(asRoot: false).Missing([.. Infrastructure, .. Prerequisites.TestTools]));
    }

    [Fact]
    public async Task Installed_needs_no_apt_get_and_the_newest_postgresql_wins()
    {
        foreach (var package in PackageFiles.Keys)
        {
            Install(package);
        }
        Touch("usr/lib/postgresql/13/bin/initdb");
        Touch("usr/bin/epmd");

        await Machine(asRoot: true).EnsureInstalledAsync([.. Infrastructure, .. Prerequisites.TestTools], CancellationToken.None);

        Assert.Empty(AptGetCalls);
        Assert.Equal(Path.Combine(root, "usr/lib/postgresql/15/bin"), Machine(asRoot: false).FindPostgresBinDirectory());
        Assert.Equal(Path.Combine(root, "usr/bin/epmd"), Machine(asRoot: false).FindRabbitMq()!.Value.Epmd);
    }

    [Fact]
    public async Task PostgreSQL_and_RabbitMQ_asked_for_at_once_run_apt_get_once()
    {
        var machine = Machine(asRoot: true);

        await Task.WhenAll(machine.PostgresBinDirectoryAsync(CancellationToken.None), machine.RabbitMqAsync(CancellationToken.None),
            machine.EnsureInstalledAsync(Infrastructure, CancellationToken.None));

        Assert.Single(AptGetCalls, call => call.Contains("postgresql"));
        Assert.Single(AptGetCalls, call => call.Contains("rabbitmq-server"));
    }

    [Fact]
    public async Task An_install_that_leaves_the_binaries_missing_says_so()
    {
        File.WriteAllText(AptGet, $"#!/bin/sh\necho \"$DEBIAN_FRONTEND $*\" >> '{AptLog}'\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Machine(asRoot: true).EnsureInstalledAsync(Infrastructure, CancellationToken.None));

        Assert.Contains("apt-get installed postgresql, rabbitmq-server, but their files were not found", error.Message);
    }

    [Fact]
    public async Task A_failing_apt_get_is_an_error_with_its_output()
    {
        File.WriteAllText(AptGet, "#!/bin/sh\necho 'E: Unable to locate package rabbitmq-server' >&2\nexit 100\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Machine(asRoot: true).EnsureInstalledAsync(Infrastructure, CancellationToken.None));

        Assert.Contains("E: Unable to locate package rabbitmq-server", error.Message);
    }

    private void Install(string package)
    {
        foreach (var file in PackageFiles[package])
        {
            Touch(file);
        }
    }

    private void Touch(string relativePath)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Records "$DEBIAN_FRONTEND $*" per call; `install` creates each package's files.</summary>
    private void WriteFakeAptGet()
    {
        var cases = string.Join('\n', PackageFiles.Select(p =>
            $"    {p.Key}) for f in {string.Join(' ', p.Value)}; do mkdir -p \"$(dirname \"$root/$f\")\" && : > \"$root/$f\" && chmod +x \"$root/$f\"; done ;;"));
        File.WriteAllText(AptGet, $"""
            #!/bin/sh
            root='{root}'
            echo "$DEBIAN_FRONTEND $*" >> "$root/apt-get.log"
            [ "$1" = install ] || exit 0
            for package in "$@"; do
              case $package in
            {cases}
              esac
            done
            """ + "\n");
        File.SetUnixFileMode(AptGet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
