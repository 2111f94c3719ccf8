using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.ApiCompatibility;

/// <summary>
/// Where every API of the system is described, and its committed baseline: what was released, which
/// the checks compare against. `./ftgo api-baseline` refreshes the baseline on purpose.
/// </summary>
public sealed class ApiSurface(string repositoryRoot)
{
    /// <summary>The OpenAPI documents a service may serve (/swagger/{name}/swagger.json), one per major.</summary>
    public static readonly string[] OpenApiDocumentNames = ["v1", "v2", "v3", "v4"];

    public string RepositoryRoot => repositoryRoot;

    /// <summary>api/: the baseline, and the npm tools (buf, @asyncapi/diff) with their package-lock.json.</summary>
    public string ApiFolder => Path.Combine(repositoryRoot, "api");

    public string BaselineFolder => Path.Combine(ApiFolder, "baseline");

    public string OpenApiBaselineFolder => Path.Combine(BaselineFolder, "openapi");

    public string ProtoBaselineFolder => Path.Combine(BaselineFolder, "proto");

    public string AsyncApiBaseline => Path.Combine(BaselineFolder, "asyncapi.yaml");

    public string ProtoFolder => Path.Combine(repositoryRoot, "shared", "FoodOrdering.Grpc.Contracts", "Protos");

    public string AsyncApiDocument => Path.Combine(repositoryRoot, "docs", "asyncapi.yaml");

    /// <summary>
    /// The OpenAPI documents the running services serve, by file name ("order.v1.json"), each as Swashbuckle
    /// produces it, re-indented so that a baseline's diff in git reads line by line.
    /// </summary>
    public static async Task<SortedDictionary<string, string>> ReadOpenApiDocumentsAsync(IEnumerable<RunningService> services, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var documents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services.Where(s => s.Instance == 0))
        {
            foreach (var name in OpenApiDocumentNames)
            {
                using var response = await http.GetAsync($"{service.BaseUrl}/swagger/{name}/swagger.json", cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    continue;
                }
                response.EnsureSuccessStatusCode();
                var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
                documents[$"{service.Definition.Name}.{name}.json"] = json.ToJsonString(Indented) + "\n";
            }
        }
        return documents;
    }

    /// <summary>The committed OpenAPI baselines, by file name.</summary>
    public SortedDictionary<string, string> OpenApiBaselines() =>
        new(Directory.GetFiles(OpenApiBaselineFolder, "*.json").ToDictionary(f => Path.GetFileName(f), File.ReadAllText), StringComparer.Ordinal);

    /// <summary>Replaces the whole baseline with today's APIs: on purpose only (docs/api-evolution.md).</summary>
    public void RefreshBaseline(IReadOnlyDictionary<string, string> openApiDocuments)
    {
        if (Directory.Exists(BaselineFolder))
        {
            Directory.Delete(BaselineFolder, recursive: true);
        }
        Directory.CreateDirectory(OpenApiBaselineFolder);
        foreach (var (name, json) in openApiDocuments)
        {
            File.WriteAllText(Path.Combine(OpenApiBaselineFolder, name), json);
        }
        foreach (var proto in Directory.GetFiles(ProtoFolder, "*.proto", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(ProtoBaselineFolder, Path.GetRelativePath(ProtoFolder, proto));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(proto, copy);
        }
        File.Copy(AsyncApiDocument, AsyncApiBaseline);
    }

    // Readable in a diff: "application/problem+json", not "application/problem\u002Bjson".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
