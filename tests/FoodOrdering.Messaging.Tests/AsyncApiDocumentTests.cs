using System.Reflection;
using System.Text.Json;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// docs/asyncapi.yaml and the code describe the same channels and messages. The document's layout is
/// fixed (two-space indentation), so a few lines of reading replace a YAML library.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(SystemCatalog.RepositoryRoot(), "docs", "asyncapi.yaml"));

    private static readonly List<(Type Type, MessageAttribute Attribute)> Contracts = typeof(MessageAttribute).Assembly.GetTypes()
        .Select(type => (type, attribute: type.GetCustomAttribute<MessageAttribute>()!))
        .Where(c => c.attribute is not null)
        .ToList();

    [Fact]
    public void Every_channel_in_the_code_is_documented_and_every_documented_channel_exists()
    {
        var inCode = Contracts.Select(c => c.Attribute.Channel).OfType<string>().Distinct().Order();

        Assert.Equal(inCode, KeysUnder("channels:", indent: 2).Order());
    }

    [Fact]
    public void Every_message_contract_is_documented_and_every_documented_message_exists()
    {
        var inCode = Contracts.Select(c => c.Type.Name).Order();

        Assert.Equal(inCode, KeysUnder("  messages:", indent: 4).Order());
    }

    [Fact]
    public void Every_documented_message_has_exactly_the_fields_of_its_contract()
    {
        foreach (var (type, _) in Contracts)
        {
            var fields = type.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order();
            var messageBlock = Block($"    {type.Name}:");

            Assert.Equal(fields, KeysUnder("        properties:", indent: 10, messageBlock).Order());
        }
    }

    [Fact]
    public void Every_documented_message_carries_the_schema_version_of_its_contract()
    {
        foreach (var (type, attribute) in Contracts)
        {
            var version = Block($"    {type.Name}:").SingleOrDefault(l => l.StartsWith("      x-schema-version:"));

            Assert.Equal($"      x-schema-version: {attribute.SchemaVersion}", version);
        }
    }

    /// <summary>The names at <paramref name="indent"/> directly below the line <paramref name="parent"/>.</summary>
    private static List<string> KeysUnder(string parent, int indent, string[]? lines = null)
    {
        var block = Block(parent, lines ?? Lines);
        return block.Where(l => l.Length > indent && l[..indent].Trim().Length == 0 && l[indent] != ' ' && l[indent] != '#' && l.TrimEnd().EndsWith(':'))
            .Select(l => l.Trim().TrimEnd(':'))
            .ToList();
    }

    /// <summary>The lines below <paramref name="parent"/> that are indented deeper than it.</summary>
    private static string[] Block(string parent, string[]? lines = null)
    {
        lines ??= Lines;
        var start = Array.FindIndex(lines, l => l.TrimEnd() == parent);
        Assert.True(start >= 0, $"docs/asyncapi.yaml has no line '{parent}'.");
        var parentIndent = parent.Length - parent.TrimStart().Length;
        return lines.Skip(start + 1)
            .TakeWhile(l => l.Trim().Length == 0 || l.Length - l.TrimStart().Length > parentIndent)
            .ToArray();
    }
}
