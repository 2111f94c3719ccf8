using FoodOrdering.LocalSystem;

namespace FoodOrdering.Testing;

/// <summary>
/// Services as real, separate processes (started by the launcher's own FtgoSystem) on the shared test
/// PostgreSQL and RabbitMQ, on free ports, with databases no other test uses. Disposing stops the
/// processes and drops their databases.
/// </summary>
public sealed class TestSystem : IAsyncDisposable
{
    private readonly LaunchOptions options;
    private readonly string postgresServer;

    private TestSystem(LaunchOptions options, string postgresServer, FtgoSystem system)
    {
        this.options = options;
        this.postgresServer = postgresServer;
        System = system;
    }

    public FtgoSystem System { get; }

    public RunningService Service(string name) => System.Services.Single(s => s.Definition.Name == name && s.Instance == 0);

    /// <summary>Every instance of a service, in instance order.</summary>
    public IReadOnlyList<RunningService> Instances(string name) => [.. System.Services.Where(s => s.Definition.Name == name).OrderBy(s => s.Instance)];

    /// <summary>The channel prefix of this system's services (exchanges and queues are named prefix + channel).</summary>
    public string ChannelPrefix => options.ChannelPrefix;

    /// <summary>
    /// Starts the services named (all of <see cref="SystemCatalog"/> when null) and waits until each is ready;
    /// <paramref name="faultsEnabled"/>: with fault injection on, as `./ftgo demo` starts them.
    /// <paramref name="gatewaySettings"/>: more configuration for the gateway, if it is among them.
    /// </summary>
    public static async Task<TestSystem> StartAsync(IReadOnlyCollection<string>? serviceNames = null, bool traceViewer = false,
        CancellationToken cancellationToken = default, IReadOnlyDictionary<string, int>? instances = null, bool faultsEnabled = false,
        IReadOnlyDictionary<string, string>? gatewaySettings = null)
    {
        var postgresServer = await TestInfrastructure.PostgresServerAsync();
        var options = new LaunchOptions
        {
            FreePorts = true,
            DataDirectory = Directory.CreateTempSubdirectory("ftgo-test-system-").FullName,
            ExternalPostgres = postgresServer,
            ExternalRabbitMq = await TestInfrastructure.RabbitMqUriAsync(),
            DatabasePrefix = $"t_sys_{Guid.NewGuid().ToString("N")[..8]}_",
            // Queues of their own on the shared broker: two test systems never consume each other's commands.
            ChannelPrefix = $"t{Guid.NewGuid().ToString("N")[..10]}.",
            Instances = instances ?? new Dictionary<string, int>(),
            Services = [.. SystemCatalog.Services.Where(s => serviceNames is null || serviceNames.Contains(s.Name))],
            TraceViewer = traceViewer,
            FaultsEnabled = faultsEnabled,
            GatewaySettings = gatewaySettings ?? new Dictionary<string, string>(),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            // On failure FtgoSystem has already stopped whatever it started; only the folder is ours to remove.
            return new TestSystem(options, postgresServer, await FtgoSystem.StartAsync(options, timeout.Token));
        }
        catch
        {
            Directory.Delete(options.DataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Whether the named services (every one when none is named) still run, and the last lines each printed:
    /// for the message of a failure that only their logs can explain (a breaker opened by what, a crash).
    /// </summary>
    public string Explain(params string[] names) => string.Join(Environment.NewLine, System.Services
        .Where(s => names.Length == 0 || names.Contains(s.Definition.Name))
        .Select(s => $"--- {s.Process.Name} ({(s.Process.HasExited ? "exited" : "running")}), its last lines:{Environment.NewLine}"
            + string.Join(Environment.NewLine, s.Process.RecentLines.TakeLast(40))));

    public async ValueTask DisposeAsync()
    {
        await System.DisposeAsync();
        foreach (var service in options.Services.Where(s => s.ConnectionName is not null))
        {
            await TestDatabase.DropAsync(postgresServer, options.DatabasePrefix + service.DatabaseName);
        }
        Directory.Delete(options.DataDirectory, recursive: true);
    }
}
