using System.Text.Json.Nodes;

namespace FoodOrdering.ApiCompatibility;

/// <summary>
/// A focused breaking-change check of one OpenAPI document against its baseline (no maintained OpenAPI
/// diff tool installs here without fetching a binary). What it judges, from a client's point of view:
/// <list type="bullet">
/// <item>breaking: a removed path, operation or response status; a removed response field, or one that
/// is no longer required; a changed type or format (request or response); a new required request field
/// or parameter, or one that became required; a removed request field;</item>
/// <item>minor: a new path, operation or response status; a new optional request field or parameter; a
/// new response field.</item>
/// </list>
/// Schemas are followed through $ref (components/schemas) and into array items; allOf/oneOf/anyOf and
/// enums are not compared.
/// </summary>
public sealed class OpenApiCompatibility
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private readonly string api;
    private readonly JsonNode baseline;
    private readonly JsonNode current;
    private readonly List<ApiChange> changes = [];

    private OpenApiCompatibility(string api, JsonNode baseline, JsonNode current)
    {
        this.api = api;
        this.baseline = baseline;
        this.current = current;
    }

    /// <summary>
    /// Compares <paramref name="current"/> with <paramref name="baseline"/> (both OpenAPI JSON) and applies
    /// <see cref="VersionRules"/>. The document's name (<paramref name="api"/>, "openapi/order.v1.json") says
    /// the major its info.version must carry.
    /// </summary>
    public static CompatibilityReport Compare(string api, string baseline, string current)
    {
        var check = new OpenApiCompatibility(api, JsonNode.Parse(baseline)!, JsonNode.Parse(current)!);
        check.ComparePaths();
        var currentVersion = (string?)check.current["info"]?["version"];
        var problems = VersionRules.Problems((string?)check.baseline["info"]?["version"], currentVersion, check.changes);
        if (MajorOfName(api) is { } major && SemanticVersion.TryParse(currentVersion) is { } version && version.Major != major)
        {
            problems.Add($"the v{major} document carries info.version {version}: a document's major is its name " +
                $"(a new major is a new document, v{version.Major}, side by side).");
        }
        return new CompatibilityReport(api, check.changes, problems);
    }

    /// <summary>"consumer.v1.json" -> 1.</summary>
    public static int? MajorOfName(string api) =>
        Path.GetFileName(api).Split('.').FirstOrDefault(p => p.Length > 1 && p[0] == 'v' && p[1..].All(char.IsAsciiDigit)) is { } v ? int.Parse(v[1..]) : null;

    private void Add(ChangeKind kind, string where, string what) => changes.Add(new ApiChange(api, kind, where, what));

    private void ComparePaths()
    {
        var before = baseline["paths"]?.AsObject() ?? [];
        var after = current["paths"]?.AsObject() ?? [];
        foreach (var (path, _) in after.Where(p => !before.ContainsKey(p.Key)))
        {
            Add(ChangeKind.Minor, Pointer("paths", path), "new path");
        }
        foreach (var (path, oldItem) in before)
        {
            if (after[path] is not JsonObject newItem)
            {
                Add(ChangeKind.Breaking, Pointer("paths", path), "path removed");
                continue;
            }
            foreach (var method in Methods)
            {
                var where = Pointer("paths", path, method);
                switch (oldItem?[method], newItem[method])
                {
                    case (null, null):
                        break;
                    case (null, _):
                        Add(ChangeKind.Minor, where, "new operation");
                        break;
                    case (_, null):
                        Add(ChangeKind.Breaking, where, "operation removed");
                        break;
                    case ({ } oldOperation, { } newOperation):
                        CompareOperation(where, oldOperation, newOperation);
                        break;
                }
            }
        }
    }

    private void CompareOperation(string where, JsonNode before, JsonNode after)
    {
        CompareParameters(where, before["parameters"]?.AsArray() ?? [], after["parameters"]?.AsArray() ?? []);

        var oldBody = before["requestBody"];
        var newBody = after["requestBody"];
        if (oldBody is null && newBody is not null && (bool?)newBody["required"] == true)
        {
            Add(ChangeKind.Breaking, where + "/requestBody", "a request body is now required");
        }
        if (JsonSchema(oldBody) is { } oldRequest && JsonSchema(newBody) is { } newRequest)
        {
            CompareSchema(where + "/requestBody", oldRequest, newRequest, Direction.Request, depth: 0);
        }

        var oldResponses = before["responses"]?.AsObject() ?? [];
        var newResponses = after["responses"]?.AsObject() ?? [];
        foreach (var (status, oldResponse) in oldResponses)
        {
            var at = Pointer(where, "responses", status);
            if (newResponses[status] is not { } newResponse)
            {
                Add(ChangeKind.Breaking, at, "response removed");
            }
            else if (JsonSchema(oldResponse) is { } oldSchema)
            {
                if (JsonSchema(newResponse) is { } newSchema)
                {
                    CompareSchema(at, oldSchema, newSchema, Direction.Response, depth: 0);
                }
                else
                {
                    Add(ChangeKind.Breaking, at, "response body removed");
                }
            }
        }
        foreach (var (status, _) in newResponses.Where(r => !oldResponses.ContainsKey(r.Key)))
        {
            Add(ChangeKind.Minor, Pointer(where, "responses", status), "new response");
        }
    }

    private void CompareParameters(string where, JsonArray before, JsonArray after)
    {
        static string Key(JsonNode? p) => $"{p?["in"]}:{p?["name"]}";
        var oldByKey = before.ToDictionary(Key);
        foreach (var parameter in after)
        {
            var at = $"{where}/parameters/{Key(parameter)}";
            var required = (bool?)parameter?["required"] == true;
            if (!oldByKey.TryGetValue(Key(parameter), out var old))
            {
                Add(required ? ChangeKind.Breaking : ChangeKind.Minor, at, required ? "new required parameter" : "new optional parameter");
                continue;
            }
            if (required && (bool?)old?["required"] != true)
            {
                Add(ChangeKind.Breaking, at, "parameter became required");
            }
            if (Resolve(baseline, old?["schema"]) is { } oldSchema && Resolve(current, parameter?["schema"]) is { } newSchema)
            {
                CompareType(at, oldSchema, newSchema);
            }
        }
        foreach (var old in before.Where(p => !after.Any(n => Key(n) == Key(p))))
        {
            Add(ChangeKind.Breaking, $"{where}/parameters/{Key(old)}", "parameter removed");
        }
    }

    private enum Direction
    {
        Request,
        Response,
    }

    private void CompareSchema(string where, JsonNode before, JsonNode after, Direction direction, int depth)
    {
        // Our representations nest a few levels; a limit keeps a recursive schema from looping.
        if (depth > 16)
        {
            return;
        }
        before = Resolve(baseline, before)!;
        after = Resolve(current, after)!;
        if (!CompareType(where, before, after))
        {
            return;
        }
        if (before["items"] is { } oldItems && after["items"] is { } newItems)
        {
            CompareSchema(where + "/items", oldItems, newItems, direction, depth + 1);
        }

        var oldProperties = before["properties"]?.AsObject() ?? [];
        var newProperties = after["properties"]?.AsObject() ?? [];
        var oldRequired = Names(before["required"]);
        var newRequired = Names(after["required"]);
        foreach (var (name, oldProperty) in oldProperties)
        {
            var at = Pointer(where, name);
            if (newProperties[name] is not { } newProperty)
            {
                Add(ChangeKind.Breaking, at, direction == Direction.Response ? "response field removed" : "request field removed (the service no longer reads it)");
                continue;
            }
            if (direction == Direction.Request && newRequired.Contains(name) && !oldRequired.Contains(name))
            {
                Add(ChangeKind.Breaking, at, "request field became required");
            }
            if (direction == Direction.Response && oldRequired.Contains(name) && !newRequired.Contains(name))
            {
                Add(ChangeKind.Breaking, at, "response field is no longer always there");
            }
            CompareSchema(at, oldProperty!, newProperty, direction, depth + 1);
        }
        foreach (var (name, _) in newProperties.Where(p => !oldProperties.ContainsKey(p.Key)))
        {
            var required = direction == Direction.Request && newRequired.Contains(name);
            Add(required ? ChangeKind.Breaking : ChangeKind.Minor, Pointer(where, name),
                required ? "new required request field" : direction == Direction.Request ? "new optional request field" : "new response field");
        }
    }

    /// <summary>Records a changed type or format; true when the types match (so comparing deeper makes sense).</summary>
    private bool CompareType(string where, JsonNode before, JsonNode after)
    {
        var oldType = Describe(before);
        var newType = Describe(after);
        if (oldType != newType)
        {
            Add(ChangeKind.Breaking, where, $"type changed from {oldType} to {newType}");
            return false;
        }
        return true;
    }

    private static string Describe(JsonNode schema) =>
        $"{schema["type"]?.ToJsonString() ?? "any"}{(schema["format"] is { } format ? $" ({format})" : "")}{((bool?)schema["nullable"] == true ? " nullable" : "")}";

    private static HashSet<string> Names(JsonNode? array) => [.. (array?.AsArray() ?? []).Select(n => (string)n!)];

    /// <summary>The application/json (or first) schema of a request body or response.</summary>
    private static JsonNode? JsonSchema(JsonNode? bodyOrResponse) =>
        bodyOrResponse?["content"]?.AsObject() is { Count: > 0 } content
            ? (content["application/json"] ?? content.First().Value)?["schema"]
            : null;

    /// <summary>Follows a "#/components/schemas/X" reference within <paramref name="document"/>.</summary>
    private static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var hops = 0; schema?["$ref"] is { } reference && hops < 8; hops++)
        {
            schema = ((string)reference!).TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate((JsonNode?)document, (node, part) => node?[part.Replace("~1", "/").Replace("~0", "~")]);
        }
        return schema;
    }

    /// <summary>A JSON pointer ("#/paths/~1v1~1orders/get"); the first part may already be one.</summary>
    private static string Pointer(params string[] parts) =>
        string.Join('/', parts.Select((p, i) => i == 0 && p.StartsWith("#/") ? p : p.Replace("~", "~0").Replace("/", "~1")).Prepend(parts[0].StartsWith("#/") ? null : "#").OfType<string>());
}
