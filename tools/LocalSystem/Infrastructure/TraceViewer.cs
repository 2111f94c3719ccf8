using System.Runtime.InteropServices;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem.Infrastructure;

/// <summary>
/// Somewhere to look at the traces, metrics and logs the services export (OpenTelemetry, OTLP): the
/// standalone Aspire dashboard, fetched from NuGet on first use (tools/TraceViewer) and run on 127.0.0.1
/// without a login (a demo default: only this machine reaches it). Optional: where it cannot be fetched
/// or run (offline, not linux-x64), `./ftgo up` says so and goes on without it.
/// </summary>
public sealed class TraceViewer : IAsyncDisposable
{
    private const string Package = "aspire.dashboard.sdk.linux-x64";
    private const string Version = "13.6.5";
    private readonly ManagedProcess process;

    private TraceViewer(ManagedProcess process, int uiPort, int otlpPort)
    {
        this.process = process;
        Url = $"http://127.0.0.1:{uiPort}";
        OtlpEndpoint = $"http://127.0.0.1:{otlpPort}";
    }

    /// <summary>The dashboard: traces, metrics, structured logs. Its API at /api/telemetry/traces serves OTLP JSON.</summary>
    public string Url { get; }

    /// <summary>Where services send OTLP/gRPC: their OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string OtlpEndpoint { get; }

    public int Pid => process.Pid;

    /// <summary>Starts the viewer, or says why it cannot and returns null.</summary>
    public static async Task<TraceViewer?> TryStartAsync(string repositoryRoot, int uiPort, int otlpPort, int otlpHttpPort, CancellationToken cancellationToken)
    {
        if (RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            ConsoleLog.Info($"No trace viewer: the Aspire dashboard package is for linux-x64, this is {RuntimeInformation.RuntimeIdentifier}.");
            return null;
        }
        try
        {
            var executable = await FetchAsync(repositoryRoot, cancellationToken);
            var process = ManagedProcess.Start("traces", ConsoleLog.ColourFor(6), executable, [], Path.GetDirectoryName(executable), new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{uiPort}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpPort}",
                ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpHttpPort}",
                ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                ["Logging__LogLevel__Default"] = "Warning",
                ["DOTNET_ENVIRONMENT"] = null,
                ["ASPNETCORE_ENVIRONMENT"] = null,
            });
            var viewer = new TraceViewer(process, uiPort, otlpPort);
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                await Wait.UntilAsync(async ct =>
                    {
                        if (process.HasExited)
                        {
                            throw new InvalidOperationException($"it exited: {string.Join(Environment.NewLine, process.RecentLines.TakeLast(10))}");
                        }
                        try
                        {
                            using var response = await http.GetAsync($"{viewer.Url}/api/telemetry/resources", ct);
                            return response.IsSuccessStatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return false;
                        }
                    },
                    TimeSpan.FromSeconds(60), "the trace viewer to answer", cancellationToken);
                return viewer;
            }
            catch
            {
                await viewer.DisposeAsync();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            ConsoleLog.Info($"No trace viewer ({e.Message}); the services run without exporting telemetry (Prometheus metrics stay at /metrics).");
            return null;
        }
    }

    /// <summary>The dashboard's executable, restored into the NuGet cache once (tools/TraceViewer).</summary>
    private static async Task<string> FetchAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var executable = Path.Combine(packages, Package, Version, "tools", "Aspire.Dashboard");
        if (!File.Exists(executable))
        {
            ConsoleLog.Info("Fetching the trace viewer (the Aspire dashboard from NuGet, ~125 MB, once)...");
            await Tool.RunAsync("dotnet", ["restore", Path.Combine(repositoryRoot, "tools", "TraceViewer", "FoodOrdering.TraceViewer.csproj"), "--nologo", "-v:q"],
                cancellationToken);
        }
        return File.Exists(executable) ? executable : throw new InvalidOperationException($"{executable} is missing after the restore");
    }

    public async ValueTask DisposeAsync() => await process.DisposeAsync();
}
