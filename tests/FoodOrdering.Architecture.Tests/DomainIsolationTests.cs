using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.Architecture.Tests;

/// <summary>
/// Every service is laid out the same way (hexagonal by folder), and its Domain/ names no infrastructure:
/// business rules are read and tested without MassTransit, RabbitMQ, Npgsql, gRPC or EF Core in sight.
/// Adapters (Api/, Grpc/, Messaging/, Persistence/, Proxies/) translate. Covers every service folder, so a
/// new service is checked the day it is born.
/// </summary>
public sealed partial class DomainIsolationTests
{
    private static readonly string Services = Path.Combine(SystemCatalog.RepositoryRoot(), "services");

    public static TheoryData<string> ServiceFolders() => [.. Directory.GetDirectories(Services).Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(ServiceFolders))]
    public void A_services_domain_names_no_infrastructure(string service)
    {
        var domain = Path.Combine(Services, service, "Domain");
        Assert.True(Directory.Exists(domain), $"services/{service} has no Domain/ folder");

        var offences = Directory.EnumerateFiles(domain, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (File: Path.GetRelativePath(Services, file), Line: index + 1, Text: line)))
            .Where(line => !IsComment(line.Text) && Infrastructure().IsMatch(line.Text))
            .Select(line => $"services/{line.File}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        Assert.True(offences.Count == 0, "Domain code names infrastructure:" + Environment.NewLine + string.Join(Environment.NewLine, offences));
    }

    [Fact]
    public void The_rule_catches_what_it_should()
    {
        Assert.Matches(Infrastructure(), "using MassTransit;");
        Assert.Matches(Infrastructure(), "using Microsoft.EntityFrameworkCore;");
        Assert.Matches(Infrastructure(), "    throw new RpcException(new Status(StatusCode.NotFound, \"\"));");
        Assert.Matches(Infrastructure(), "var connection = new NpgsqlConnection(text);");
        Assert.DoesNotMatch(Infrastructure(), "public sealed class Ticket");
        Assert.True(IsComment("/// <summary>No MassTransit here.</summary>"));
    }

    private static bool IsComment(string line) => line.TrimStart().StartsWith("//", StringComparison.Ordinal) || line.TrimStart().StartsWith('*');

    [GeneratedRegex(@"\b(MassTransit|RabbitMQ|Npgsql\w*|Grpc|RpcException|Microsoft\.EntityFrameworkCore|DbContext|Microsoft\.AspNetCore)\b")]
    private static partial Regex Infrastructure();
}
