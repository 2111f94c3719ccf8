using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// Our OpenAPI check on fixture changes of the Consumer service's v1 document: each is made to a copy
/// of the committed baseline in memory (the real files are never edited) and compared with the baseline.
/// </summary>
public sealed class OpenApiCheckTests
{
    private const string Api = "openapi/consumer.v1.json";
    private static readonly string Baseline = File.ReadAllText(Path.Combine(new ApiSurface(SystemCatalog.RepositoryRoot()).OpenApiBaselineFolder, "consumer.v1.json"));

    public static TheoryData<string> BreakingChanges => [.. BreakingFixtures.Keys];

    public static TheoryData<string> MinorChanges => [.. MinorFixtures.Keys];

    private static readonly Dictionary<string, Action<JsonNode>> BreakingFixtures = new()
    {
        ["remove a response field"] = d => Schema(d, "ConsumerResponse")["properties"]!.AsObject().Remove("orderLimit"),
        ["retype a response field"] = d => Schema(d, "ConsumerResponse")["properties"]!["consumerId"]!["type"] = "string",
        ["remove a path"] = d => d["paths"]!.AsObject().Remove("/v1/consumers/{consumerId}/notifications"),
        ["remove an operation"] = d => d["paths"]!["/v1/consumers"]!.AsObject().Remove("post"),
        ["remove a response"] = d => d["paths"]!["/v1/consumers/{consumerId}"]!["get"]!["responses"]!.AsObject().Remove("404"),
        ["add a required request field"] = d =>
        {
            Schema(d, "CreateConsumerRequest")["properties"]!["email"] = new JsonObject { ["type"] = "string" };
            Schema(d, "CreateConsumerRequest")["required"] = new JsonArray("email");
        },
        ["add a required query parameter"] = d => d["paths"]!["/v1/consumers/{consumerId}"]!["get"]!["parameters"]!.AsArray()
            .Add(new JsonObject { ["name"] = "view", ["in"] = "query", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } }),
        ["retype a request field"] = d => Schema(d, "CreateConsumerRequest")["properties"]!["orderLimit"]!["type"] = "number",
    };

    private static readonly Dictionary<string, Action<JsonNode>> MinorFixtures = new()
    {
        ["add a response field"] = d => Schema(d, "ConsumerResponse")["properties"]!["email"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
        ["add an optional request field"] = d => Schema(d, "CreateConsumerRequest")["properties"]!["email"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
        ["add a path"] = d => d["paths"]!["/v1/consumers/{consumerId}/loyalty"] = d["paths"]!["/v1/consumers/{consumerId}"]!.DeepClone(),
        ["add an optional query parameter"] = d => d["paths"]!["/v1/consumers/{consumerId}"]!["get"]!["parameters"]!.AsArray()
            .Add(new JsonObject { ["name"] = "view", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
    };

    [Fact]
    public void The_baseline_is_compatible_with_itself()
    {
        var report = OpenApiCompatibility.Compare(Api, Baseline, Baseline);

        Assert.True(report.Passes, report.ToString());
        Assert.Empty(report.Changes);
    }

    [Theory]
    [MemberData(nameof(BreakingChanges))]
    public void A_breaking_change_is_rejected(string fixture)
    {
        var report = OpenApiCompatibility.Compare(Api, Baseline, Changed(BreakingFixtures[fixture]));

        Assert.False(report.Passes, report.ToString());
        Assert.NotEmpty(report.Breaking);
    }

    [Theory]
    [MemberData(nameof(MinorChanges))]
    public void An_additive_change_passes_as_a_minor_change(string fixture)
    {
        var report = OpenApiCompatibility.Compare(Api, Baseline, Changed(d =>
        {
            MinorFixtures[fixture](d);
            d["info"]!["version"] = "1.1.0";
        }));

        Assert.True(report.Passes, report.ToString());
        Assert.NotEmpty(report.Changes);
        Assert.All(report.Changes, c => Assert.Equal(ChangeKind.Minor, c.Kind));
    }

    [Fact]
    public void The_removed_response_field_is_named()
    {
        var report = OpenApiCompatibility.Compare(Api, Baseline, Changed(BreakingFixtures["remove a response field"]));

        Assert.Contains(report.Breaking, c => c.Where == "#/paths/~1v1~1consumers~1{consumerId}/get/responses/200/orderLimit" && c.What == "response field removed");
    }

    [Fact]
    public void A_breaking_change_in_the_v1_document_is_rejected_even_with_a_major_version_of_2()
    {
        // A new major is a new document (v2) beside v1, whose clients keep theirs.
        var report = OpenApiCompatibility.Compare(Api, Baseline, Changed(d =>
        {
            BreakingFixtures["remove a response field"](d);
            d["info"]!["version"] = "2.0.0";
        }));

        Assert.False(report.Passes, report.ToString());
        Assert.Contains(report.Problems, p => p.Contains("the v1 document carries info.version 2.0.0"));
    }

    [Fact]
    public void A_version_that_is_not_semantic_is_rejected()
    {
        var report = OpenApiCompatibility.Compare(Api, Baseline, Changed(d => d["info"]!["version"] = "v1"));

        Assert.False(report.Passes, report.ToString());
    }

    private static JsonNode Schema(JsonNode document, string name) => document["components"]!["schemas"]![name]!;

    private static string Changed(Action<JsonNode> change)
    {
        var document = JsonNode.Parse(Baseline)!;
        change(document);
        return document.ToJsonString();
    }
}
