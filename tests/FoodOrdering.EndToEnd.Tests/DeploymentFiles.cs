using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// The deployment files, parsed: the Dockerfile (its stages and instructions), docker-compose.yml and the objects of k8s/
/// (YAML read as JSON nodes: every scalar a string, anchors and merge keys resolved as compose resolves them).
/// </summary>
public static partial class DeploymentFiles
{
    public static readonly string Root = SystemCatalog.RepositoryRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static JsonNode Compose { get; } = LoadYaml(File.ReadAllText(PathOf("docker-compose.yml"))).Single();

    public static JsonObject ComposeServices => Compose["services"]!.AsObject();

    /// <summary>Every object of every file kustomization.yaml lists, in order.</summary>
    public static IReadOnlyList<JsonNode> KubernetesObjects { get; } = LoadKubernetesObjects();

    public static IReadOnlyList<DockerfileStage> Dockerfile { get; } = ParseDockerfile(File.ReadAllText(PathOf("Dockerfile")));

    /// <summary>The environment of a compose service, name to value.</summary>
    public static IReadOnlyDictionary<string, string> ComposeEnvironment(string service) =>
        ComposeServices[service]?["environment"]?.AsObject().ToDictionary(e => e.Key, e => (string)e.Value!) ?? [];

    /// <summary>The host side of a compose service's published ports: (address, host port, container port).</summary>
    public static IReadOnlyList<(string Address, int HostPort, int ContainerPort)> PublishedPorts(string service) =>
        [.. (ComposeServices[service]?["ports"]?.AsArray() ?? []).Select(p => PublishedPort().Match((string)p!)).Select(m =>
        {
            Assert.True(m.Success, $"{service}: a published port is written address:host:container");
            return (m.Groups["address"].Value, int.Parse(m.Groups["host"].Value), int.Parse(m.Groups["container"].Value));
        })];

    public static IEnumerable<JsonNode> KubernetesObjectsOf(string kind) => KubernetesObjects.Where(o => (string?)o["kind"] == kind);

    public static JsonNode KubernetesObject(string kind, string name) =>
        KubernetesObjectsOf(kind).SingleOrDefault(o => (string?)o["metadata"]?["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"k8s/ has no {kind} {name}");

    /// <summary>The Deployment, or the StatefulSet, that runs a service.</summary>
    public static JsonNode Workload(string name) =>
        KubernetesObjects.SingleOrDefault(o => (string?)o["kind"] is "Deployment" or "StatefulSet" && (string?)o["metadata"]?["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"k8s/ has no Deployment or StatefulSet {name}");

    public static JsonNode Container(JsonNode workload) => workload["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;

    /// <summary>A container's env, name to its value or, for a reference, to its valueFrom as JSON.</summary>
    public static IReadOnlyDictionary<string, string> ContainerEnvironment(JsonNode container) =>
        (container["env"]?.AsArray() ?? []).ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"] ?? e!["valueFrom"]!.ToJsonString(AsWritten));

    private static readonly JsonSerializerOptions AsWritten = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The databases a PostgreSQL init script creates.</summary>
    public static IReadOnlyList<string> DatabasesCreatedBy(string sql) =>
        [.. CreateDatabase().Matches(sql).Select(m => m.Groups["name"].Value)];

    /// <summary>
    /// A YAML stream as JSON nodes, one per document. Scalars stay strings (8081 is "8081"), as compose and Kubernetes
    /// read them per field; merge keys (&lt;&lt;: *anchor) are resolved.
    /// </summary>
    public static IReadOnlyList<JsonNode> LoadYaml(string text)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new MergingParser(new Parser(new StringReader(text)));
        parser.Consume<StreamStart>();
        var documents = new List<JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object?>(parser) is { } document)
            {
                documents.Add(JsonNode.Parse(json.Serialize(document))!);
            }
        }
        return documents;
    }

    private static List<JsonNode> LoadKubernetesObjects()
    {
        var kustomization = LoadYaml(File.ReadAllText(PathOf("k8s/kustomization.yaml"))).Single();
        return [.. kustomization["resources"]!.AsArray().SelectMany(file => LoadYaml(File.ReadAllText(PathOf($"k8s/{(string)file!}"))))];
    }

    /// <summary>
    /// The Dockerfile's stages and their instructions: comments dropped, continued lines (\) joined. Enough of the
    /// syntax for this repository's one Dockerfile; a test fails where it meets more (a heredoc, a parser directive).
    /// </summary>
    public static IReadOnlyList<DockerfileStage> ParseDockerfile(string text)
    {
        var stages = new List<DockerfileStage>();
        var logical = Regex.Replace(text, @"\\\r?\n", " ");
        foreach (var line in logical.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (keyword, arguments) = line.IndexOf(' ') is var space and > 0 ? (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()) : (line.ToUpperInvariant(), "");
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new DockerfileStage(words[0], words is [_, var asWord, var name] && asWord.Equals("AS", StringComparison.OrdinalIgnoreCase) ? name : null, []));
            }
            else
            {
                Assert.True(stages.Count > 0, $"Dockerfile: {keyword} before the first FROM");
                stages[^1].Instructions.Add(new DockerfileInstruction(keyword, arguments));
            }
        }
        return stages;
    }

    [GeneratedRegex(@"^(?<address>[0-9.]+):(?<host>\d+):(?<container>\d+)$")]
    private static partial Regex PublishedPort();

    [GeneratedRegex(@"CREATE DATABASE (?<name>\w+);", RegexOptions.IgnoreCase)]
    private static partial Regex CreateDatabase();
}

public sealed record DockerfileInstruction(string Keyword, string Arguments)
{
    /// <summary>COPY's sources and destination (flags such as --from=build apart).</summary>
    public (IReadOnlyList<string> Flags, IReadOnlyList<string> Sources, string Destination) CopyArguments()
    {
        var words = Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();
        var paths = words.Skip(flags.Count).ToList();
        return (flags, paths[..^1], paths[^1]);
    }
}

public sealed record DockerfileStage(string Image, string? Name, List<DockerfileInstruction> Instructions)
{
    public IEnumerable<DockerfileInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}
