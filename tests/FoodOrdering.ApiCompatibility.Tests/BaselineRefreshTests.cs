using FoodOrdering.LocalSystem;

namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// What `./ftgo api-baseline` records (ApiSurface.RefreshBaseline), in a copy of the repository's API
/// files: a change the check rejected, once recorded on purpose, is the new baseline and passes.
/// </summary>
public sealed class BaselineRefreshTests : IDisposable
{
    private static readonly ApiSurface Real = new(SystemCatalog.RepositoryRoot());
    private readonly FixtureCopy repository = new(
        (Real.ProtoFolder, Path.GetRelativePath(Real.RepositoryRoot, Real.ProtoFolder)),
        (Real.AsyncApiDocument, Path.GetRelativePath(Real.RepositoryRoot, Real.AsyncApiDocument)));

    [Fact]
    public async Task A_recorded_breaking_change_is_the_new_baseline()
    {
        var copy = new ApiSurface(repository.Folder);
        File.WriteAllText(Path.Combine(copy.ProtoFolder, "ftgo/consumer/v1/consumer.proto"),
            File.ReadAllText(Path.Combine(copy.ProtoFolder, "ftgo/consumer/v1/consumer.proto")).Replace("  string last_name = 2;", "  string last_name = 3;"));
        Assert.False((await ProtoCompatibility.CompareAsync(Real.ApiFolder, Real.ProtoBaselineFolder, copy.ProtoFolder, CancellationToken.None)).Passes);
        var openApi = new Dictionary<string, string> { ["consumer.v1.json"] = File.ReadAllText(Path.Combine(Real.OpenApiBaselineFolder, "consumer.v1.json")) };

        copy.RefreshBaseline(openApi);

        var report = await ProtoCompatibility.CompareAsync(Real.ApiFolder, copy.ProtoBaselineFolder, copy.ProtoFolder, CancellationToken.None);
        Assert.True(report.Passes, report.ToString());
        Assert.Equal(File.ReadAllText(copy.AsyncApiDocument), File.ReadAllText(copy.AsyncApiBaseline));
        Assert.Equal(openApi, copy.OpenApiBaselines());
    }

    public void Dispose() => repository.Dispose();
}
