using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.ApiCompatibility;

/// <summary>
/// The .proto files against their baseline with `buf breaking` (the FILE rules, buf's strictest: a
/// renumbered, removed or retyped field, a removed RPC, a changed package...). A new major is a new
/// package (ftgo.order.v2) in new files beside the old ones, so buf never needs to allow a break;
/// `buf lint` holds every package to that shape (PACKAGE_VERSION_SUFFIX, PACKAGE_DIRECTORY_MATCH).
/// buf is the binary that npm installs with @bufbuild/buf (its platform package), in api/node_modules.
/// </summary>
public static class ProtoCompatibility
{
    private const string BreakingConfig = """{"version":"v2","breaking":{"use":["FILE"]}}""";
    private const string LintConfig = """{"version":"v2","lint":{"use":["PACKAGE_VERSION_SUFFIX","PACKAGE_DIRECTORY_MATCH"]}}""";

    public static async Task<CompatibilityReport> CompareAsync(string apiFolder, string baselineFolder, string protoFolder, CancellationToken cancellationToken)
    {
        // Absolute inputs: buf reads a relative one as part of the module at "." that --config describes.
        (baselineFolder, protoFolder) = (Path.GetFullPath(baselineFolder), Path.GetFullPath(protoFolder));
        var buf = Path.Combine(apiFolder, "node_modules", ".bin", "buf");
        if (!File.Exists(buf))
        {
            throw new FileNotFoundException($"{buf} is missing: run `npm ci --prefix {apiFolder}` (./ftgo test does).");
        }
        var changes = (await RunAsync(buf, ["breaking", protoFolder, "--against", baselineFolder, "--config", BreakingConfig, "--against-config", BreakingConfig], cancellationToken))
            .Select(finding => new ApiChange("proto", ChangeKind.Breaking, Where(finding, protoFolder), $"{finding["type"]}: {finding["message"]}"))
            .ToList();
        var problems = (await RunAsync(buf, ["lint", protoFolder, "--config", LintConfig], cancellationToken))
            .Select(finding => $"{Where(finding, protoFolder)}: {finding["type"]}: {finding["message"]}")
            .ToList();
        if (changes.Count > 0)
        {
            problems.Add($"{changes.Count} breaking change(s) in a published package: add a new package (e.g. ftgo.order.v2) beside it instead (docs/api-evolution.md).");
        }
        return new CompatibilityReport("proto", changes, problems);
    }

    private static string Where(JsonNode finding, string protoFolder) =>
        $"{Path.GetRelativePath(protoFolder, Path.GetFullPath((string)finding["path"]!, protoFolder))}:{finding["start_line"]}";

    /// <summary>buf's findings (--error-format json: one object a line); exit code 100 means "found some".</summary>
    private static async Task<List<JsonNode>> RunAsync(string buf, string[] arguments, CancellationToken cancellationToken)
    {
        string output;
        try
        {
            output = await Tool.RunAsync(buf, [.. arguments, "--error-format", "json"], cancellationToken);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("exited with 100:"))
        {
            output = e.Message[(e.Message.IndexOf("exited with 100:", StringComparison.Ordinal) + "exited with 100:".Length)..];
        }
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonNode.Parse(line)!)];
    }
}
