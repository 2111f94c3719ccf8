using FoodOrdering.LocalSystem;
using FoodOrdering.Testing;

namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// The check CI runs: every API as it is today against its committed baseline (api/baseline). The
/// OpenAPI documents are read from the real services, started as processes on the test infrastructure,
/// because Swashbuckle builds them from the running endpoints: what a client would download.
/// </summary>
public sealed class TodaysApisTests(TodaysApisTests.RunningServices services) : IClassFixture<TodaysApisTests.RunningServices>
{
    private static readonly ApiSurface Surface = new(SystemCatalog.RepositoryRoot());

    [Fact]
    public void Every_OpenAPI_document_has_a_baseline_and_every_baseline_is_still_served()
    {
        // A baseline without its document is a removed API version; a document without one was never
        // released: `./ftgo api-baseline` records it.
        var baselines = Surface.OpenApiBaselines().Keys;
        var served = services.OpenApiDocuments.Keys;

        Assert.True(baselines.SequenceEqual(served), $"served: {string.Join(", ", served)}; baselines: {string.Join(", ", baselines)}. " +
            "Release a new document with `./ftgo api-baseline`; a document no longer served is a breaking change (docs/api-evolution.md).");
    }

    [Fact]
    public void Every_OpenAPI_document_is_compatible_with_its_baseline()
    {
        var baselines = Surface.OpenApiBaselines();
        var reports = services.OpenApiDocuments.Where(d => baselines.ContainsKey(d.Key))
            .Select(d => OpenApiCompatibility.Compare("openapi/" + d.Key, baselines[d.Key], d.Value))
            .ToList();

        Assert.NotEmpty(reports);
        Assert.All(reports, report => Assert.True(report.Passes, report.ToString()));
    }

    [Fact]
    public async Task The_proto_files_pass_buf_breaking_against_their_baseline()
    {
        var report = await ProtoCompatibility.CompareAsync(Surface.ApiFolder, Surface.ProtoBaselineFolder, Surface.ProtoFolder, CancellationToken.None);

        Assert.True(report.Passes, report.ToString());
    }

    [Fact]
    public async Task The_AsyncAPI_document_is_compatible_with_its_baseline()
    {
        var report = await AsyncApiCompatibility.CompareAsync(Surface.ApiFolder, Surface.AsyncApiBaseline, Surface.AsyncApiDocument, CancellationToken.None);

        Assert.True(report.Passes, report.ToString());
    }

    /// <summary>Every service, once for the class: only their OpenAPI documents are read.</summary>
    public sealed class RunningServices : IAsyncLifetime
    {
        public IReadOnlyDictionary<string, string> OpenApiDocuments { get; private set; } = new Dictionary<string, string>();

        public async Task InitializeAsync()
        {
            await using var system = await TestSystem.StartAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            OpenApiDocuments = await ApiSurface.ReadOpenApiDocumentsAsync(system.System.Services, timeout.Token);
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
