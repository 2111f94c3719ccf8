namespace FoodOrdering.LocalSystem;

/// <summary>One service of the system, as the launcher starts it.</summary>
/// <param name="Name">Short name, used as log prefix and database suffix.</param>
/// <param name="ProjectDirectory">Relative to the repository root.</param>
/// <param name="AssemblyName">The built dll is bin/{Configuration}/net10.0/{AssemblyName}.dll.</param>
/// <param name="RestPort">Default HTTP port (ARCHITECTURE.md "Ports").</param>
/// <param name="ConnectionName">Its ConnectionStrings entry for its own database (null: it has none, like the gateway).</param>
/// <param name="GrpcPort">Default HTTP/2-only gRPC port (passed as Grpc:Port; null: it serves no gRPC).</param>
/// <param name="IsGateway">The API gateway: started after the services, and told where every instance of each is.</param>
public sealed record ServiceDefinition(string Name, string ProjectDirectory, string AssemblyName, int RestPort, string? ConnectionName, int? GrpcPort,
    bool IsGateway = false)
{
    public string DatabaseName => $"ftgo_{Name}";

    public string AssemblyPath(string repositoryRoot, string configuration) =>
        Path.Combine(repositoryRoot, ProjectDirectory, "bin", configuration, "net10.0", AssemblyName + ".dll");
}

/// <summary>Every service the launcher knows, in start order. Add a line when a service is born.</summary>
public static class SystemCatalog
{
    public static readonly IReadOnlyList<ServiceDefinition> Services =
    [
        new("consumer", "services/Consumer", "FoodOrdering.Consumer", 8081, "ConsumerDb", 9081),
        new("kitchen", "services/Kitchen", "FoodOrdering.Kitchen", 8082, "KitchenDb", 9082),
        new("accounting", "services/Accounting", "FoodOrdering.Accounting", 8083, "AccountingDb", 9083),
        new("order", "services/Order", "FoodOrdering.Order", 8084, "OrderDb", 9084),
        // The single public entry: no database, no gRPC; it starts last, once the services it routes to are ready.
        new("gateway", "gateway", "FoodOrdering.Gateway", 8080, ConnectionName: null, GrpcPort: null, IsGateway: true),
    ];

    /// <summary>
    /// The key the gateway signs and checks its tokens with when the launcher starts it: a documented demo
    /// value, not a secret (gateway/appsettings.Development.json has the same for an IDE run). A real
    /// deployment sets its own Gateway:Jwt:SigningKey; the gateway refuses to start without one.
    /// </summary>
    public const string DemoSigningKey = "ftgo-demo-signing-key-not-a-secret-0123456789";

    /// <summary>
    /// Private infrastructure ports: not the system-wide servers' (5432, 5672, 15672, 25672), and below
    /// Linux's ephemeral range (32768-60999, /proc/sys/net/ipv4/ip_local_port_range), where any outgoing
    /// connection may be holding a port, so the defaults are seldom taken and replaced.
    /// services/*/appsettings.Development.json use them (a service run from an IDE next to `./ftgo infra`).
    /// </summary>
    public const int PostgresPort = 15432;
    public const int RabbitMqAmqpPort = 15673;
    public const int RabbitMqManagementPort = 15679;

    /// <summary>The trace viewer (Aspire dashboard): its UI, and the OTLP/gRPC and OTLP/HTTP ports the services export to.</summary>
    public const int TraceViewerPort = 18888;
    public const int OtlpGrpcPort = 18889;
    public const int OtlpHttpPort = 18890;

    /// <summary>The dll `dotnet build` made of a project of this repository, to start it as a process.</summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName, string configuration = "Debug") =>
        Path.Combine(RepositoryRoot(), projectDirectory, "bin", configuration, "net10.0", assemblyName + ".dll");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FoodOrdering.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("FoodOrdering.sln not found above " + AppContext.BaseDirectory);
    }
}
