using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Commands;

/// <summary>`./ftgo up`: start everything, print the URLs, stream the logs, stop everything on Ctrl+C.</summary>
public static class UpCommand
{
    public static async Task<int> RunAsync(LaunchOptions options, Func<FtgoSystem, CancellationToken, Task>? afterStart, CancellationToken stop)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var system = await FtgoSystem.StartAsync(options, stop);
        PrintUrls(system, options, started.Elapsed);
        if (afterStart is not null)
        {
            await afterStart(system, stop);
        }
        ConsoleLog.Info("Press Ctrl+C to stop everything.");
        await WaitForStopOrCrashAsync(system, stop);
        ConsoleLog.Info("Stopping...");
        return 0;
    }

    public static void PrintUrls(FtgoSystem system, LaunchOptions options, TimeSpan startUp)
    {
        ConsoleLog.Info($"All healthy in {startUp.TotalSeconds:0.0} s.");
        if (system.Postgres is { } postgres)
        {
            ConsoleLog.Info($"PostgreSQL   {postgres.ServerConnectionString}  (psql -h 127.0.0.1 -p {postgres.Port} -U ftgo postgres)");
        }
        if (system.RabbitMq is { } rabbitMq)
        {
            ConsoleLog.Info($"RabbitMQ     {rabbitMq.AmqpUri}  management UI {rabbitMq.ManagementUrl} (guest/guest)");
        }
        // The gateway first: the one address a client needs.
        foreach (var gateway in system.Services.Where(s => s.Definition.IsGateway))
        {
            ConsoleLog.Info($"{gateway.Name,-12} {gateway.BaseUrl}  the single entry: {gateway.BaseUrl}/api/v1/...  every OpenAPI document at {gateway.BaseUrl}/swagger  demo tokens: POST {gateway.BaseUrl}/api/v1/auth/token");
        }
        foreach (var service in system.Services.Where(s => !s.Definition.IsGateway))
        {
            ConsoleLog.Info($"{service.Name,-12} {service.BaseUrl}  Swagger UI {service.BaseUrl}/swagger  gRPC {service.GrpcUrl} (h2c)  metrics {service.BaseUrl}/metrics");
        }
        if (options.FaultsEnabled && system.Services.Count > 0)
        {
            // Fault injection (docs/workshop/05-partial-failure.md): on any service; DELETE clears.
            ConsoleLog.Info($$"""Faults       on: curl -X POST {{system.Services[0].BaseUrl}}/_admin/faults -H 'Content-Type: application/json' -d '{"latencyMs":500,"errorRatio":0.5,"scope":"all"}'""");
        }
        if (system.TraceViewer is { } viewer)
        {
            ConsoleLog.Info($"Traces       {viewer.Url}  (Aspire dashboard: traces, metrics and logs of every service; OTLP at {viewer.OtlpEndpoint})");
        }
        if (system.Postgres?.Port is not (null or SystemCatalog.PostgresPort) || system.RabbitMq?.AmqpPort is not (null or SystemCatalog.RabbitMqAmqpPort))
        {
            // services/*/appsettings.Development.json name the default ports: say what an IDE run needs instead.
            ConsoleLog.Info("A default port was busy. To run a service from your IDE against these servers, set:");
            foreach (var service in SystemCatalog.Services.Where(s => s.ConnectionName is not null))
            {
                ConsoleLog.Info($"  ConnectionStrings__{service.ConnectionName}={system.ConnectionString(service)}");
            }
            ConsoleLog.Info($"  ConnectionStrings__RabbitMq={system.RabbitMqUri}");
            if (system.TraceViewer is { } traces)
            {
                ConsoleLog.Info($"  OTEL_EXPORTER_OTLP_ENDPOINT={traces.OtlpEndpoint}");
            }
        }
    }

    private static async Task WaitForStopOrCrashAsync(FtgoSystem system, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var crashed in system.Services.Where(s => s.Process.HasExited))
                {
                    ConsoleLog.Error($"{crashed.Name} has exited; stopping everything.");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
