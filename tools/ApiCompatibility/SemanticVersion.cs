using System.Text.RegularExpressions;

namespace FoodOrdering.ApiCompatibility;

/// <summary>MAJOR.MINOR.PATCH, as in info.version of the OpenAPI and AsyncAPI documents.</summary>
public sealed partial record SemanticVersion(int Major, int Minor, int Patch) : IComparable<SemanticVersion>
{
    public static SemanticVersion? TryParse(string? text) =>
        text is not null && Pattern().Match(text) is { Success: true } m
            ? new SemanticVersion(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value))
            : null;

    public int CompareTo(SemanticVersion? other) =>
        other is null ? 1 : (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public override string ToString() => $"{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"^(\d+)\.(\d+)\.(\d+)$")]
    private static partial Regex Pattern();
}
