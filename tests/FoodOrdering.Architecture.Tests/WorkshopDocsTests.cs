using System.Text.Json;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.Architecture.Tests;

/// <summary>
/// The workshop (docs/workshop/) stays true without starting anything: lab 1's table places every
/// operation that exists (the released IDLs in api/baseline and docs/asyncapi.yaml) and only those, each in
/// the quadrant its style belongs to, and each of the five styles has a live example; every repository path
/// and relative link the workshop names exists; every lab has an exercise whose solution exists.
/// (The labs' commands themselves are run by the runnable-docs test against a started system.)
/// </summary>
public sealed partial class WorkshopDocsTests
{
    private static readonly string Root = SystemCatalog.RepositoryRoot();
    private static readonly string Workshop = Path.Combine(Root, "docs", "workshop");
    private static readonly string InteractionStyles = File.ReadAllText(Path.Combine(Workshop, "01-interaction-styles.md"));

    /// <summary>The book's five styles and their quadrant (one-to-one/one-to-many, synchronous/asynchronous).</summary>
    private static readonly Dictionary<string, (string Receivers, string Timing)> Styles = new()
    {
        ["request/response"] = ("one-to-one", "synchronous"),
        ["asynchronous request/response"] = ("one-to-one", "asynchronous"),
        ["one-way notification"] = ("one-to-one", "asynchronous"),
        ["publish/subscribe"] = ("one-to-many", "asynchronous"),
        ["publish/async responses"] = ("one-to-many", "asynchronous"),
    };

    private sealed record Row(string Operation, IReadOnlyList<string> Names, string Receivers, string Timing, string Style);

    [Fact]
    public void Every_operation_named_in_lab_1s_table_exists()
    {
        var missing = OperationTable().SelectMany(row => row.Names).Where(name => !Exists(name)).ToList();
        Assert.True(missing.Count == 0, "lab 1 names operations that no OpenAPI baseline, .proto or docs/asyncapi.yaml defines: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_operation_of_the_system_is_in_lab_1s_table()
    {
        var named = OperationTable().SelectMany(row => row.Names).ToHashSet(StringComparer.Ordinal);
        var absent = RestOperations().Concat(GrpcMethods()).Concat(Messages()).Where(operation => !named.Contains(operation)).Order(StringComparer.Ordinal).ToList();
        Assert.True(absent.Count == 0, "operations missing from lab 1's table (docs/workshop/01-interaction-styles.md): " + string.Join(", ", absent));
    }

    [Fact]
    public void Each_row_of_lab_1s_table_sits_in_its_styles_quadrant()
    {
        foreach (var row in OperationTable())
        {
            Assert.True(Styles.TryGetValue(row.Style, out var quadrant), $"{row.Operation}: '{row.Style}' is not one of the five styles");
            Assert.True(quadrant == (row.Receivers, row.Timing), $"{row.Operation}: {row.Style} is {quadrant.Receivers}, {quadrant.Timing}, not {row.Receivers}, {row.Timing}");
        }
    }

    [Theory]
    [InlineData("request/response")]
    [InlineData("asynchronous request/response")]
    [InlineData("one-way notification")]
    [InlineData("publish/subscribe")]
    [InlineData("publish/async responses")]
    public void Each_style_has_a_live_example_with_its_expected_output(string style)
    {
        Assert.Contains(OperationTable(), row => row.Style == style);
        var heading = $"### Live: {style}\n";
        var start = InteractionStyles.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"lab 1 has no '{heading.Trim()}' section");
        var section = InteractionStyles[(start + heading.Length)..];
        section = section[..(section.IndexOf("\n#", StringComparison.Ordinal) is var end and >= 0 ? end : section.Length)];
        Assert.Matches(LiveExample(), section);
    }

    [Fact]
    public void Every_repository_path_the_workshop_names_exists()
    {
        var missing = WorkshopFiles()
            .SelectMany(file => RepositoryPath().Matches(File.ReadAllText(file)).Select(m => (File: file, Path: m.Groups["path"].Value)))
            .Where(named => !named.Path.Contains('{') && !named.Path.Contains('*'))
            .Where(named => !File.Exists(Path.Combine(Root, named.Path)) && !Directory.Exists(Path.Combine(Root, named.Path)))
            .Select(named => $"{Path.GetRelativePath(Root, named.File)}: {named.Path}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "the workshop names paths that do not exist:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void The_pattern_map_names_only_paths_that_exist_and_covers_every_lab()
    {
        var readme = File.ReadAllText(Path.Combine(Workshop, "README.md"));
        var map = readme[readme.IndexOf("## Where each pattern lives", StringComparison.Ordinal)..];
        var paths = RepositoryPath().Matches(map).Select(m => m.Groups["path"].Value).ToList();
        Assert.True(paths.Count >= 20, $"the map names {paths.Count} paths: it should point into the code for every pattern");
        Assert.All(paths, path => Assert.True(File.Exists(Path.Combine(Root, path)) || Directory.Exists(Path.Combine(Root, path)), $"the pattern map names {path}, which does not exist"));
        Assert.All(Labs(), lab => Assert.Contains($"]({Path.GetFileName(lab)})", readme));
    }

    [Fact]
    public void Every_relative_link_of_the_workshop_resolves()
    {
        var broken = WorkshopFiles()
            .SelectMany(file => RelativeLink().Matches(File.ReadAllText(file)).Select(m => (File: file, Target: m.Groups["target"].Value)))
            .Where(link => !File.Exists(Path.Combine(Path.GetDirectoryName(link.File)!, link.Target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(link.File)!, link.Target)))
            .Select(link => $"{Path.GetRelativePath(Root, link.File)}: {link.Target}")
            .ToList();
        Assert.True(broken.Count == 0, "broken links:" + Environment.NewLine + string.Join(Environment.NewLine, broken));
    }

    [Fact]
    public void Every_lab_has_a_goal_an_observation_section_and_an_exercise_with_its_solution()
    {
        var labs = Labs();
        Assert.Equal(12, labs.Count); // lab 0 and the eleven patterns of chapter 3
        foreach (var lab in labs)
        {
            var text = File.ReadAllText(lab);
            var name = Path.GetFileName(lab);
            Assert.Contains("**Goal.**", text);
            Assert.Contains("## Exercise", text);
            Assert.True(File.Exists(Path.Combine(Workshop, "solutions", name)), $"{name} has no solutions/{name}");
            Assert.Contains($"(solutions/{name})", text);
            if (name != "00-run-it.md")
            {
                Assert.Contains("## What to observe", text);
                Assert.Contains("```bash", text);
            }
        }
    }

    private static List<string> Labs() => [.. Directory.GetFiles(Workshop, "*.md").Where(f => char.IsDigit(Path.GetFileName(f)[0])).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> WorkshopFiles() => Directory.EnumerateFiles(Workshop, "*.md", SearchOption.AllDirectories);

    /// <summary>Lab 1's table, under "## Every operation of the system": a row per operation (or command with its replies, or event channel).</summary>
    private static List<Row> OperationTable()
    {
        var start = InteractionStyles.IndexOf("## Every operation of the system", StringComparison.Ordinal);
        Assert.True(start >= 0, "lab 1 has no '## Every operation of the system' section");
        var rows = InteractionStyles[start..].Split('\n')
            .SkipWhile(line => !line.StartsWith("| operation", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => new Row(cells[0], [.. Backticked().Matches(cells[0]).Select(m => m.Groups["name"].Value)], cells[3], cells[4], cells[5]))
            .ToList();
        Assert.True(rows.Count > 30, $"lab 1's table has {rows.Count} rows");
        Assert.All(rows, row => Assert.NotEmpty(row.Names));
        return rows;
    }

    private static bool Exists(string name) => Rest().IsMatch(name)
        ? RestOperations().Contains(name)
        : name.Contains('/') ? GrpcMethods().Contains(name) : Messages().Contains(name);

    /// <summary>"GET /v1/orders/{orderId}" for every operation of every released OpenAPI document.</summary>
    private static HashSet<string> RestOperations() =>
    [
        .. Directory.GetFiles(Path.Combine(Root, "api", "baseline", "openapi"), "*.json")
            .SelectMany(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("paths").EnumerateObject()
                .SelectMany(path => path.Value.EnumerateObject()
                    .Where(operation => operation.Name is "get" or "post" or "put" or "delete" or "patch")
                    .Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))),
    ];

    /// <summary>"ftgo.order.v1.OrderService/WatchOrder" for every rpc of every released .proto.</summary>
    private static HashSet<string> GrpcMethods() =>
    [
        .. Directory.GetFiles(Path.Combine(Root, "api", "baseline", "proto"), "*.proto", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .SelectMany(proto => ProtoService().Matches(proto).SelectMany(service => ProtoRpc().Matches(service.Groups["body"].Value)
                .Select(rpc => $"{ProtoPackage().Match(proto).Groups["package"].Value}.{service.Groups["service"].Value}/{rpc.Groups["rpc"].Value}"))),
    ];

    /// <summary>The keys of components.messages in docs/asyncapi.yaml (four spaces in, each a message).</summary>
    private static HashSet<string> Messages()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docs", "asyncapi.yaml"));
        var components = Array.IndexOf(lines, "components:");
        var messages = Array.IndexOf(lines, "  messages:", components);
        Assert.True(components >= 0 && messages > components, "docs/asyncapi.yaml has no components.messages");
        return [.. lines.Skip(messages + 1).TakeWhile(line => line.Length == 0 || line.StartsWith("    ", StringComparison.Ordinal))
            .Select(line => MessageKey().Match(line)).Where(m => m.Success).Select(m => m.Groups["name"].Value)];
    }

    [GeneratedRegex(@"`(?<name>[^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^(GET|POST|PUT|DELETE|PATCH) /")]
    private static partial Regex Rest();

    [GeneratedRegex(@"^package (?<package>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex ProtoPackage();

    [GeneratedRegex(@"^service (?<service>\w+) \{(?<body>.*?)^\}", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ProtoService();

    [GeneratedRegex(@"^\s*rpc (?<rpc>\w+)\(", RegexOptions.Multiline)]
    private static partial Regex ProtoRpc();

    [GeneratedRegex(@"^    (?<name>[A-Za-z]\w*):\s*$")]
    private static partial Regex MessageKey();

    /// <summary>A bash block (run by the runnable-docs test) followed by the text block of its expected output.</summary>
    [GeneratedRegex(@"```bash\n.+?\n```\n```text\n.+?\n```", RegexOptions.Singleline)]
    private static partial Regex LiveExample();

    /// <summary>A repository path in backticks: starts with a top-level folder of the repository (or is a root file).</summary>
    [GeneratedRegex(@"`(?<path>(?:services|shared|gateway|tools|tests|docs|api|k8s)/[^`\s]*|docker-compose\.yml|Dockerfile)`")]
    private static partial Regex RepositoryPath();

    /// <summary>A markdown link to a file of the repository (not a URL, not an anchor of the same page), anchor dropped.</summary>
    [GeneratedRegex(@"\]\((?!https?:|#|mailto:)(?<target>[^)#\s]+)(?:#[^)]*)?\)")]
    private static partial Regex RelativeLink();
}
