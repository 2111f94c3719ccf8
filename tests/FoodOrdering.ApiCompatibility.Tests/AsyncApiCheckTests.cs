using FoodOrdering.LocalSystem;

namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>@asyncapi/diff (with our payload rules, api/asyncapi-diff.js) on fixture changes of a copy of docs/asyncapi.yaml.</summary>
public sealed class AsyncApiCheckTests : IDisposable
{
    private const string Document = "asyncapi.yaml";
    private const string AccountOpenedLimit = "          singleAuthorizationLimit:\n            type: string\n";
    private static readonly ApiSurface Surface = new(SystemCatalog.RepositoryRoot());
    private readonly FixtureCopy copy = new(Surface.AsyncApiDocument);

    [Fact]
    public async Task Retyping_a_message_field_is_rejected()
    {
        copy.Replace(Document, AccountOpenedLimit, "          singleAuthorizationLimit:\n            type: number\n");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Breaking, c => c.Where == "/components/messages/AccountOpened/payload/properties/singleAuthorizationLimit/type");
    }

    [Fact]
    public async Task Removing_a_message_field_is_rejected()
    {
        copy.Replace(Document, AccountOpenedLimit, "");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Breaking, c => c.Where == "/components/messages/AccountOpened/payload/properties/singleAuthorizationLimit");
    }

    [Fact]
    public async Task An_added_optional_field_passes_as_a_minor_change()
    {
        copy.Replace(Document, AccountOpenedLimit, AccountOpenedLimit + "          currency:\n            type: string\n");

        var report = await CompareAsync();

        Assert.True(report.Passes, report.ToString());
        var change = Assert.Single(report.Changes);
        Assert.Equal((ChangeKind.Minor, "/components/messages/AccountOpened/payload/properties/currency"), (change.Kind, change.Where));
    }

    [Fact]
    public async Task An_added_optional_field_with_a_new_minor_version_is_minor()
    {
        copy.Replace(Document, AccountOpenedLimit, AccountOpenedLimit + "          currency:\n            type: string\n");
        copy.Replace(Document, "info:\n  title: FoodOrdering messaging\n  version: 1.0.0\n", "info:\n  title: FoodOrdering messaging\n  version: 1.1.0\n");

        var report = await CompareAsync();

        Assert.True(report.Passes, report.ToString());
        Assert.All(report.Changes, c => Assert.Equal(ChangeKind.Minor, c.Kind));
    }

    [Fact]
    public async Task A_breaking_change_passes_with_a_new_major_version()
    {
        copy.Replace(Document, AccountOpenedLimit, "          singleAuthorizationLimit:\n            type: number\n");
        copy.Replace(Document, "info:\n  title: FoodOrdering messaging\n  version: 1.0.0\n", "info:\n  title: FoodOrdering messaging\n  version: 2.0.0\n");

        var report = await CompareAsync();

        Assert.True(report.Passes, report.ToString());
        var change = Assert.Single(report.Breaking);
        Assert.Equal("/components/messages/AccountOpened/payload/properties/singleAuthorizationLimit/type", change.Where);
    }

    [Fact]
    public async Task A_version_that_goes_down_is_rejected()
    {
        copy.Replace(Document, "info:\n  title: FoodOrdering messaging\n  version: 1.0.0\n", "info:\n  title: FoodOrdering messaging\n  version: 0.9.0\n");

        var report = await CompareAsync();

        Assert.False(report.Passes, report.ToString());
    }

    private Task<CompatibilityReport> CompareAsync() =>
        AsyncApiCompatibility.CompareAsync(Surface.ApiFolder, Surface.AsyncApiBaseline, copy.PathOf(Document), CancellationToken.None);

    public void Dispose() => copy.Dispose();
}
