using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem;

/// <summary>What to start, and where.</summary>
public sealed record LaunchOptions
{
    public string RepositoryRoot { get; init; } = SystemCatalog.RepositoryRoot();
    public string DataDirectory { get; init; } = Path.Combine(SystemCatalog.RepositoryRoot(), ".ftgo");
    public string Configuration { get; init; } = "Debug";

    /// <summary>Any free port for everything, instead of the documented defaults (tests, busy machines).</summary>
    public bool FreePorts { get; init; }

    /// <summary>Use this PostgreSQL server (connection string without Database) instead of starting one.</summary>
    public string? ExternalPostgres { get; init; } = Environment.GetEnvironmentVariable("FTGO_POSTGRES");

    /// <summary>Use this RabbitMQ (amqp:// URI) instead of starting one.</summary>
    public string? ExternalRabbitMq { get; init; } = Environment.GetEnvironmentVariable("FTGO_RABBITMQ");

    /// <summary>Start the infrastructure only.</summary>
    public bool InfrastructureOnly { get; init; }

    /// <summary>Start the trace viewer too, and have the services export their telemetry to it (`./ftgo up`; not in tests).</summary>
    public bool TraceViewer { get; init; }

    /// <summary>
    /// Every service injects faults on command (FTGO_FAULTS_ENABLED=true: <c>POST /_admin/faults</c>, a
    /// teaching aid): `./ftgo demo` and `./ftgo up --faults`. Off otherwise, even if the launcher's own
    /// environment has the variable.
    /// </summary>
    public bool FaultsEnabled { get; init; }

    /// <summary>Prefix for the services' database names, so test runs never share state.</summary>
    public string DatabasePrefix { get; init; } = "";

    public IReadOnlyList<ServiceDefinition> Services { get; init; } = SystemCatalog.Services;

    /// <summary>
    /// How many instances of a service to start (by name; 1 when not named), e.g. kitchen = 2 for
    /// `./ftgo up --kitchen-instances 2`. Instance i of n gets `--Instance:Index i --Instance:Count n`
    /// (the Kitchen service consumes the sharded channel's partitions k with k % n == i) and ports of its own.
    /// </summary>
    public IReadOnlyDictionary<string, int> Instances { get; init; } = new Dictionary<string, int>();

    public int InstancesOf(ServiceDefinition service) => Instances.GetValueOrDefault(service.Name, 1);

    /// <summary>More configuration for the gateway, as environment variables (e.g. <c>Gateway__RateLimit__PermitLimit</c> in a test).</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Put before every exchange and queue name of the services (Messaging:ChannelPrefix), so test systems on one broker never share a queue.</summary>
    public string ChannelPrefix { get; init; } = "";

    /// <summary>The system packages this needs: PostgreSQL and RabbitMQ, unless external ones are given.</summary>
    public IReadOnlyList<string> SystemPackages
    {
        get
        {
            var packages = new List<string>();
            if (ExternalPostgres is null)
            {
                packages.Add(Prerequisites.PostgreSql);
            }
            if (ExternalRabbitMq is null)
            {
                packages.Add(Prerequisites.RabbitMq);
            }
            return packages;
        }
    }
}

/// <summary>
/// A service process that answered its readiness check (<paramref name="Instance"/>: its index among the
/// service's instances; <paramref name="GrpcUrl"/> is empty for one without gRPC, the gateway).
/// </summary>
public sealed record RunningService(ServiceDefinition Definition, string BaseUrl, string GrpcUrl, ManagedProcess Process, int Instance = 0)
{
    /// <summary>The service's name, numbered from the second instance on (kitchen, kitchen-2).</summary>
    public string Name => Instance == 0 ? Definition.Name : $"{Definition.Name}-{Instance + 1}";
}

/// <summary>
/// The whole system as processes: a private PostgreSQL cluster and RabbitMQ node (unless external ones
/// are given), then every service, each waited for until /health/ready answers. Disposing stops all of
/// it in reverse order. `./ftgo up`, `./ftgo demo`, `./ftgo test` and the end-to-end tests all use this.
/// </summary>
public sealed class FtgoSystem : IAsyncDisposable
{
    private const string PidFileName = "started.pids";
    private readonly LaunchOptions options;
    private readonly List<RunningService> services = [];
    private readonly Dictionary<(string Service, int Instance), (int Http, int Grpc)> ports = [];
    private LauncherLock? launcherLock;

    private FtgoSystem(LaunchOptions options) => this.options = options;

    public PrivatePostgres? Postgres { get; private set; }
    public PrivateRabbitMq? RabbitMq { get; private set; }
    public TraceViewer? TraceViewer { get; private set; }
    public string PostgresServer { get; private set; } = "";
    public string RabbitMqUri { get; private set; } = "";
    public IReadOnlyList<RunningService> Services => services;

    /// <summary>Every process id the launcher is responsible for (what a clean stop must leave behind: none).</summary>
    public IReadOnlyList<int> Pids =>
        [.. services.Select(s => s.Process.Pid), .. RabbitMq?.Pids ?? [], .. Postgres?.PostmasterPid is { } pid ? [pid] : Array.Empty<int>(),
            .. TraceViewer is { } viewer ? [viewer.Pid] : Array.Empty<int>()];

    public static async Task<FtgoSystem> StartAsync(LaunchOptions options, CancellationToken cancellationToken)
    {
        var system = new FtgoSystem(options);
        try
        {
            await system.StartAsync(cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        launcherLock = LauncherLock.Acquire(options.DataDirectory);
        StopLeftoversOfAKilledLauncher();
        // Both at once: one install line to run, or one apt-get run as root.
        await Prerequisites.OfThisMachine.EnsureInstalledAsync(options.SystemPackages, cancellationToken);

        var postgres = StartPostgresAsync(cancellationToken);
        var rabbitMq = StartRabbitMqAsync(cancellationToken);
        var traceViewer = options.TraceViewer
            ? Infrastructure.TraceViewer.TryStartAsync(options.RepositoryRoot, Port(SystemCatalog.TraceViewerPort), Port(SystemCatalog.OtlpGrpcPort),
                Port(SystemCatalog.OtlpHttpPort), cancellationToken)
            : Task.FromResult<TraceViewer?>(null);
        try
        {
            await Task.WhenAll(postgres, rabbitMq, traceViewer);
        }
        finally
        {
            // Keep whatever did start, so that DisposeAsync stops it even if the other one failed.
            Postgres = postgres.IsCompletedSuccessfully ? postgres.Result : null;
            RabbitMq = rabbitMq.IsCompletedSuccessfully ? rabbitMq.Result : null;
            TraceViewer = traceViewer.IsCompletedSuccessfully ? traceViewer.Result : null;
            WritePidFile();
        }
        PostgresServer = options.ExternalPostgres ?? Postgres!.ServerConnectionString;
        RabbitMqUri = options.ExternalRabbitMq ?? RabbitMq!.AmqpUri;

        if (!options.InfrastructureOnly)
        {
            PlanServicePorts();
            // The services, then the gateway: it routes to them and its readiness includes theirs.
            foreach (var gateways in new[] { false, true })
            {
                await Task.WhenAll(options.Services.Select((service, index) => (service, index)).Where(s => s.service.IsGateway == gateways).SelectMany(s =>
                    Enumerable.Range(0, options.InstancesOf(s.service)).Select(instance => StartServiceAsync(s.service, s.index, instance, cancellationToken))));
            }
        }
    }

    private async Task<PrivatePostgres?> StartPostgresAsync(CancellationToken cancellationToken) =>
        options.ExternalPostgres is null
            ? await PrivatePostgres.StartAsync(Path.Combine(options.DataDirectory, "postgres"), Port(SystemCatalog.PostgresPort), cancellationToken)
            : null;

    private async Task<PrivateRabbitMq?> StartRabbitMqAsync(CancellationToken cancellationToken) =>
        options.ExternalRabbitMq is null
            ? await PrivateRabbitMq.StartAsync(Path.Combine(options.DataDirectory, "rabbitmq"),
                Port(SystemCatalog.RabbitMqAmqpPort), Port(SystemCatalog.RabbitMqManagementPort), ConsoleLog.ColourFor(7), cancellationToken)
            : null;

    private int Port(int preferred) => options.FreePorts ? Network.FreePort() : Network.PreferredOrFreePort(preferred);

    /// <summary>
    /// Every instance's REST and gRPC ports, chosen before any service starts: each service is told where
    /// the others are (configuration-based service discovery, <see cref="DownstreamAddresses"/>), and a
    /// restarted instance comes back on the same ports. Further instances sit 100 above the previous one
    /// (kitchen-2: 8182, 9182).
    /// </summary>
    private void PlanServicePorts()
    {
        foreach (var service in options.Services)
        {
            for (var instance = 0; instance < options.InstancesOf(service); instance++)
            {
                ports[(service.Name, instance)] = (Port(service.RestPort + 100 * instance), service.GrpcPort is { } grpc ? Port(grpc + 100 * instance) : 0);
            }
        }
    }

    /// <summary>
    /// What every service's proxies (<c>AddGrpcServiceProxy</c>) read, the launcher's stand-in for the platform DNS of
    /// compose and k8s: <c>Downstreams:{name}:HttpAddress/GrpcAddress</c> of the first instance, and the
    /// <c>GrpcAddresses</c> of EVERY instance, which win: with two Kitchen instances each gRPC caller balances its
    /// calls over both.
    /// </summary>
    public IReadOnlyDictionary<string, string> DownstreamAddresses() =>
        options.Services.Where(s => !s.IsGateway && ports.ContainsKey((s.Name, 0))).SelectMany(s => new[]
        {
            KeyValuePair.Create($"Downstreams__{s.Name}__HttpAddress", $"http://127.0.0.1:{ports[(s.Name, 0)].Http}"),
            KeyValuePair.Create($"Downstreams__{s.Name}__GrpcAddress", $"http://127.0.0.1:{ports[(s.Name, 0)].Grpc}"),
        }.Concat(Instances(s).Select(i =>
            KeyValuePair.Create($"Downstreams__{s.Name}__GrpcAddresses__{i}", $"http://127.0.0.1:{ports[(s.Name, i)].Grpc}")))).ToDictionary();

    /// <summary>
    /// What the gateway gets besides: <c>Downstreams:{name}:HttpAddresses</c> of EVERY instance (its cluster's
    /// destinations: two Kitchen instances are load balanced for REST as for gRPC), the demo signing key and the demo
    /// token endpoint (`./ftgo up` is the demo profile), then <see cref="LaunchOptions.GatewaySettings"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment()
    {
        var environment = options.Services.Where(s => !s.IsGateway).SelectMany(s => Instances(s).Select(i =>
                KeyValuePair.Create($"Downstreams__{s.Name}__HttpAddresses__{i}", $"http://127.0.0.1:{ports[(s.Name, i)].Http}")))
            .ToDictionary();
        environment["Gateway__Jwt__SigningKey"] = SystemCatalog.DemoSigningKey;
        environment["Gateway__DemoTokens__Enabled"] = "true";
        foreach (var (key, value) in options.GatewaySettings)
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary>The instance indexes of a service whose ports are planned.</summary>
    private IEnumerable<int> Instances(ServiceDefinition service) =>
        Enumerable.Range(0, options.InstancesOf(service)).Where(i => ports.ContainsKey((service.Name, i)));

    public string ConnectionString(ServiceDefinition service) =>
        $"{PostgresServer};Database={options.DatabasePrefix}{service.DatabaseName}";

    /// <summary>
    /// Starts a stopped service instance again, with the same instance index (e.g. a Kitchen instance,
    /// which then consumes the same partitions), and waits until it is ready.
    /// </summary>
    public async Task<RunningService> RestartAsync(RunningService stopped, CancellationToken cancellationToken)
    {
        if (!stopped.Process.HasExited)
        {
            throw new InvalidOperationException($"{stopped.Name} is still running.");
        }
        lock (services)
        {
            services.Remove(stopped);
        }
        await stopped.Process.DisposeAsync();
        return await StartServiceAsync(stopped.Definition, options.Services.ToList().IndexOf(stopped.Definition), stopped.Instance, cancellationToken);
    }

    private async Task<RunningService> StartServiceAsync(ServiceDefinition service, int index, int instance, CancellationToken cancellationToken)
    {
        var assembly = service.AssemblyPath(options.RepositoryRoot, options.Configuration);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is not built. Run `dotnet build FoodOrdering.sln` (./ftgo does it for you).");
        }

        var (port, grpcPort) = ports[(service.Name, instance)];
        var baseUrl = $"http://127.0.0.1:{port}";
        string[] instanceArguments = options.InstancesOf(service) > 1
            ? ["--Instance:Index", instance.ToString(), "--Instance:Count", options.InstancesOf(service).ToString()]
            : [];
        var name = instance == 0 ? service.Name : $"{service.Name}-{instance + 1}";
        string[] grpcArguments = service.GrpcPort is null ? [] : ["--Grpc:Port", grpcPort.ToString()];
        var environment = new Dictionary<string, string?>(
            (service.IsGateway ? DownstreamAddresses().Concat(GatewayEnvironment()) : DownstreamAddresses()).Select(a => KeyValuePair.Create(a.Key, (string?)a.Value)))
        {
            ["ConnectionStrings__RabbitMq"] = RabbitMqUri,
            ["Messaging__ChannelPrefix"] = options.ChannelPrefix,
            // Telemetry to the trace viewer, if one runs (OpenTelemetry in the service defaults reads these).
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = TraceViewer?.OtlpEndpoint,
            ["OTEL_SERVICE_NAME"] = service.Name,
            ["FTGO_FAULTS_ENABLED"] = options.FaultsEnabled ? "true" : null,
            ["DOTNET_ENVIRONMENT"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
        };
        if (service.ConnectionName is { } connectionName)
        {
            environment[$"ConnectionStrings__{connectionName}"] = ConnectionString(service);
        }
        var process = ManagedProcess.Start(name, ConsoleLog.ColourFor(index + instance), "dotnet",
            [assembly, "--urls", baseUrl, .. grpcArguments, .. instanceArguments], workingDirectory: Path.GetDirectoryName(assembly), environment);
        var running = new RunningService(service, baseUrl, service.GrpcPort is null ? "" : $"http://127.0.0.1:{grpcPort}", process, instance);
        lock (services)
        {
            services.Add(running);
            WritePidFile();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Wait.UntilAsync(async ct =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited during start-up:{Environment.NewLine}{string.Join(Environment.NewLine, process.RecentLines.TakeLast(30))}");
                }
                try
                {
                    using var response = await http.GetAsync($"{baseUrl}/health/ready", ct);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60), $"{name} to become ready at {baseUrl}/health/ready", cancellationToken,
            () => string.Join(Environment.NewLine, process.RecentLines.TakeLast(30)));
        return running;
    }

    /// <summary>Records what we started, so that a launcher killed with SIGKILL can be cleaned up by the next one.</summary>
    private void WritePidFile() =>
        File.WriteAllLines(Path.Combine(options.DataDirectory, PidFileName), Pids.Select(pid => pid.ToString()));

    private void StopLeftoversOfAKilledLauncher()
    {
        var pidFile = Path.Combine(options.DataDirectory, PidFileName);
        if (!File.Exists(pidFile))
        {
            return;
        }
        foreach (var pid in File.ReadAllLines(pidFile).Select(line => int.TryParse(line, out var pid) ? pid : 0).Where(pid => pid > 0))
        {
            if (Posix.IsAlive(pid) && IsOurs(pid))
            {
                ConsoleLog.Info($"Stopping process {pid} left behind by an earlier launcher");
                Posix.SignalGroup(pid, Posix.SigKill);
                Posix.Signal(pid, Posix.SigKill);
            }
        }
        File.Delete(pidFile);
    }

    // Guard against PID reuse: only kill what looks like one of ours.
    private static bool IsOurs(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return new[] { "FoodOrdering", "rabbitmq", "epmd", "postgres", "Aspire.Dashboard" }.Any(commandLine.Contains);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (launcherLock is null)
        {
            return; // another launcher has this data folder: nothing here is ours
        }
        await Task.WhenAll(services.Select(s => s.Process.DisposeAsync().AsTask()));
        if (RabbitMq is not null)
        {
            await RabbitMq.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
        if (TraceViewer is not null)
        {
            await TraceViewer.DisposeAsync();
        }
        File.Delete(Path.Combine(options.DataDirectory, PidFileName));
        launcherLock.Dispose();
    }
}
