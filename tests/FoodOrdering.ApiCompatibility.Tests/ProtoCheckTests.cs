using FoodOrdering.LocalSystem;

namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// `buf breaking` (and `buf lint` for the package versions) on fixture changes of a copy of the .proto
/// files, against the committed baseline.
/// </summary>
public sealed class ProtoCheckTests : IDisposable
{
    private const string ConsumerProto = "ftgo/consumer/v1/consumer.proto";
    private static readonly ApiSurface Surface = new(SystemCatalog.RepositoryRoot());
    private readonly FixtureCopy protos = new(Surface.ProtoFolder);

    [Fact]
    public async Task Renumbering_a_field_is_rejected()
    {
        protos.Replace(ConsumerProto, "  string last_name = 2;", "  string last_name = 3;");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Breaking, c => c.Where.StartsWith(ConsumerProto) && c.What.Contains("last_name"));
    }

    [Fact]
    public async Task Retyping_a_field_is_rejected()
    {
        protos.Replace(ConsumerProto, "  string last_name = 2;", "  int64 last_name = 2;");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Breaking, c => c.What.Contains("FIELD_SAME_TYPE"));
    }

    [Fact]
    public async Task An_added_field_passes_as_a_minor_change()
    {
        protos.Replace(ConsumerProto, "  string last_name = 2;", "  string last_name = 2;\n  optional string middle_name = 3;");

        var report = await CompareAsync();

        Assert.True(report.Passes, report.ToString());
        Assert.Empty(report.Changes);
    }

    [Fact]
    public async Task A_new_major_is_a_new_package_beside_the_old_one_and_passes()
    {
        var v2 = File.ReadAllText(protos.PathOf(ConsumerProto))
            .Replace("package ftgo.consumer.v1;", "package ftgo.consumer.v2;")
            .Replace("Consumer.V1", "Consumer.V2")
            .Replace("  string last_name = 2;", "  string family_name = 3;");
        protos.Write("ftgo/consumer/v2/consumer.proto", v2);

        var report = await CompareAsync();

        Assert.True(report.Passes, report.ToString());
    }

    [Fact]
    public async Task A_package_without_a_version_is_rejected()
    {
        protos.Write("ftgo/loyalty/loyalty.proto", "syntax = \"proto3\";\n\npackage ftgo.loyalty;\n\nmessage Points {\n  int64 points = 1;\n}\n");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Problems, p => p.Contains("PACKAGE_VERSION_SUFFIX"));
    }

    private Task<CompatibilityReport> CompareAsync() =>
        ProtoCompatibility.CompareAsync(Surface.ApiFolder, Surface.ProtoBaselineFolder, protos.Folder, CancellationToken.None);

    public void Dispose() => protos.Dispose();
}
