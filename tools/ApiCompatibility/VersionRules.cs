namespace FoodOrdering.ApiCompatibility;

/// <summary>The semantic-versioning rules every API is held to, whatever its kind of document.</summary>
public static class VersionRules
{
    /// <summary>What is wrong with going from <paramref name="baseline"/> to <paramref name="current"/> with these changes.</summary>
    public static List<string> Problems(string? baseline, string? current, IReadOnlyList<ApiChange> changes)
    {
        var problems = new List<string>();
        var before = SemanticVersion.TryParse(baseline);
        var after = SemanticVersion.TryParse(current);
        if (after is null)
        {
            problems.Add($"info.version '{current}' is not MAJOR.MINOR.PATCH.");
            return problems;
        }
        if (before is not null && after.CompareTo(before) < 0)
        {
            problems.Add($"info.version went down from {before} to {after}.");
        }
        var breaking = changes.Count(c => c.Kind == ChangeKind.Breaking);
        if (breaking > 0 && (before is null || after.Major <= before.Major))
        {
            problems.Add($"{breaking} breaking change(s) without a new major version (still {after}): " +
                "keep the old version and add the new one side by side (docs/api-evolution.md).");
        }
        return problems;
    }
}
