using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// `./ftgo infra` as a reader runs it before starting a service from an IDE or doing a lab: on the
/// default ports, which services/*/appsettings.Development.json and docs/workshop/00-run-it.md name. If another
/// system on this machine holds a default port, the launcher takes another and prints the variables an
/// IDE run needs instead; <see cref="ReplacedPorts"/> applies them, as the reader would.
/// </summary>
public sealed partial class InfraOnDefaultPorts : IAsyncLifetime
{
    private readonly LauncherDataFolder data = new();
    private LauncherProcess? launcher;

    /// <summary>What the launcher printed after "A default port was busy", e.g. ConnectionStrings__RabbitMq.</summary>
    public IReadOnlyDictionary<string, string> ReplacedPorts { get; private set; } = new Dictionary<string, string>();

    public int PostgresPort { get; private set; }

    public async Task InitializeAsync()
    {
        ConsoleLog.QuietProcesses = true; // the services' logs stay in their RecentLines
        launcher = await LauncherProcess.StartAsync(sharedInfrastructure: false, ["infra", "--no-trace-viewer", "--data-dir", data.Folder]);
        await launcher.WaitForLineAsync("Press Ctrl+C", TimeSpan.FromMinutes(3));
        var output = launcher.Output;
        PostgresPort = int.Parse(PostgresLine().Match(output).Groups["port"].Value);
        ReplacedPorts = VariableLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim());
    }

    public async Task DisposeAsync()
    {
        if (launcher is not null)
        {
            await launcher.DisposeAsync();
        }
        data.Dispose();
    }

    /// <summary>A service's project run as an IDE runs it (`dotnet run`: launch profile, Development settings), stopped on dispose.</summary>
    public ManagedProcess RunService(string name, params string[] arguments)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        return ManagedProcess.Start($"{name}-ide", 33, "dotnet", ["run", "--no-build", "--project", service.ProjectDirectory, "--", .. arguments],
            SystemCatalog.RepositoryRoot(), ReplacedPorts.ToDictionary(v => v.Key, v => (string?)v.Value));
    }

    [GeneratedRegex(@"PostgreSQL\s+Host=127\.0\.0\.1;Port=(?<port>\d+);")]
    private static partial Regex PostgresLine();

    [GeneratedRegex(@"^\S+\s*\|\s+(?<name>ConnectionStrings__\w+)=(?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex VariableLine();
}

[CollectionDefinition(Name)]
public sealed class InfraOnDefaultPortsCollection : ICollectionFixture<InfraOnDefaultPorts>
{
    public const string Name = "ftgo infra on the default ports";
}
