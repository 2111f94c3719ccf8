using FoodOrdering.ApiCompatibility;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// `./ftgo api-baseline`: record today's APIs as the released ones (api/baseline), on purpose, after a
/// change the compatibility tests rejected for a good reason (docs/api-evolution.md). The OpenAPI
/// documents come from the services themselves, started on private infrastructure in a temporary folder
/// (free ports, nothing shared with `./ftgo up`); the .proto files and docs/asyncapi.yaml are copied.
/// </summary>
public static class ApiBaselineCommand
{
    public static async Task<int> RunAsync(LaunchOptions options, CancellationToken stop)
    {
        var surface = new ApiSurface(options.RepositoryRoot);
        // Not CreateTempSubdirectory: its folder is private to us, and PostgreSQL runs as its own user.
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ftgo-api-baseline-{Environment.ProcessId}");
        SortedDictionary<string, string> documents;
        try
        {
            ConsoleLog.Info("Starting every service to read its OpenAPI documents...");
            ConsoleLog.QuietProcesses = true;
            var privateSystem = options with
            {
                DataDirectory = dataDirectory,
                FreePorts = true,
                TraceViewer = false,
                ExternalPostgres = null,
                ExternalRabbitMq = null,
            };
            await using var system = await FtgoSystem.StartAsync(privateSystem, stop);
            documents = await ApiSurface.ReadOpenApiDocumentsAsync(system.Services, stop);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }

        // Say what this refresh records, breaking changes first: a breaking change belongs in a new major, not over the old one.
        await TestCommand.NpmCiAsync(surface.ApiFolder, stop);
        var baselines = surface.OpenApiBaselines();
        List<CompatibilityReport> reports =
        [
            .. documents.Where(d => baselines.ContainsKey(d.Key)).Select(d => OpenApiCompatibility.Compare("openapi/" + d.Key, baselines[d.Key], d.Value)),
            await ProtoCompatibility.CompareAsync(surface.ApiFolder, surface.ProtoBaselineFolder, surface.ProtoFolder, stop),
            await AsyncApiCompatibility.CompareAsync(surface.ApiFolder, surface.AsyncApiBaseline, surface.AsyncApiDocument, stop),
        ];
        foreach (var change in reports.SelectMany(r => r.Changes).OrderByDescending(c => c.Kind))
        {
            ConsoleLog.Info($"recording {change}");
        }
        foreach (var added in documents.Keys.Except(baselines.Keys))
        {
            ConsoleLog.Info($"recording a new document: openapi/{added}");
        }
        foreach (var removed in baselines.Keys.Except(documents.Keys))
        {
            ConsoleLog.Info($"recording breaking: openapi/{removed} is no longer served");
        }

        surface.RefreshBaseline(documents);
        foreach (var file in Directory.GetFiles(surface.BaselineFolder, "*", SearchOption.AllDirectories).Order())
        {
            ConsoleLog.Info($"wrote {Path.GetRelativePath(options.RepositoryRoot, file)}");
        }
        ConsoleLog.Info("Review `git diff api/baseline` and commit it with the change it records.");
        return 0;
    }
}
