using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.ApiCompatibility;

/// <summary>
/// docs/asyncapi.yaml against its baseline with @asyncapi/diff (api/asyncapi-diff.js adds the rules of our
/// message payloads, which the tool leaves unclassified). A breaking change needs a new major in the
/// document's info.version; a change the tool cannot classify counts as breaking, to be safe.
/// </summary>
public static partial class AsyncApiCompatibility
{
    public static async Task<CompatibilityReport> CompareAsync(string apiFolder, string baseline, string current, CancellationToken cancellationToken)
    {
        var script = Path.Combine(apiFolder, "asyncapi-diff.js");
        if (!Directory.Exists(Path.Combine(apiFolder, "node_modules", "@asyncapi", "diff")))
        {
            throw new FileNotFoundException($"@asyncapi/diff is missing: run `npm ci --prefix {apiFolder}` (./ftgo test does).");
        }
        var verdict = JsonNode.Parse(await Tool.RunAsync("node", [script, baseline, current], cancellationToken))!;
        const string api = "asyncapi.yaml";
        List<ApiChange> changes =
        [
            .. Changes(verdict["breaking"], ChangeKind.Breaking, ""),
            .. Changes(verdict["unclassified"], ChangeKind.Breaking, "(unclassified) "),
            .. Changes(verdict["nonBreaking"], ChangeKind.Minor, ""),
        ];
        var problems = VersionRules.Problems(InfoVersion(baseline), InfoVersion(current), changes);
        return new CompatibilityReport(api, changes, problems);

        static IEnumerable<ApiChange> Changes(JsonNode? list, ChangeKind kind, string note) =>
            (list?.AsArray() ?? []).Select(c => new ApiChange(api, kind, (string)c!["path"]!,
                $"{note}{c["action"]}{(c["before"] is { } before ? $" from {before.ToJsonString()}" : "")}{(c["after"] is { } after ? $" to {after.ToJsonString()}" : "")}"));
    }

    /// <summary>info.version of an AsyncAPI document (its layout is fixed: "info:" then "  version: x.y.z").</summary>
    public static string? InfoVersion(string file) =>
        InfoVersionLine().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value.Trim().Trim('\'', '"') : null;

    [GeneratedRegex(@"^info:\s*\n(?:  .*\n)*?  version:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex InfoVersionLine();
}
