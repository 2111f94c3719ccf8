namespace FoodOrdering.ApiCompatibility;

/// <summary>What a change does to the clients of an API version (semantic versioning).</summary>
public enum ChangeKind
{
    /// <summary>Additive (a new optional field, a new path or message): a minor version.</summary>
    Minor,

    /// <summary>A client written against the baseline can fail: only allowed with a new major version.</summary>
    Breaking,
}

/// <summary>
/// One difference between an API's baseline and its current document: the document ("openapi/order.v1.json",
/// "proto", "asyncapi.yaml"), what it does to clients, where inside it (JSON pointer, proto file:line), what.
/// </summary>
public sealed record ApiChange(string Api, ChangeKind Kind, string Where, string What)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}: {Api} {Where}: {What}";
}

/// <summary>The comparison of one API with its baseline.</summary>
public sealed record CompatibilityReport(string Api, IReadOnlyList<ApiChange> Changes, IReadOnlyList<string> Problems)
{
    public IEnumerable<ApiChange> Breaking => Changes.Where(c => c.Kind == ChangeKind.Breaking);

    /// <summary>No breaking change (or a new major that allows them), and nothing else wrong with the versions.</summary>
    public bool Passes => Problems.Count == 0;

    public override string ToString() =>
        string.Join(Environment.NewLine, [$"{Api}: {(Passes ? "passes" : "FAILS")}", .. Problems.Select(p => "  " + p), .. Changes.Select(c => "  " + c)]);
}
