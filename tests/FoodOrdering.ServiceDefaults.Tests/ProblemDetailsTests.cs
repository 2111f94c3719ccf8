using System.Net;
using System.Text.Json.Nodes;
using FoodOrdering.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Tests;

/// <summary>Every service's errors are RFC 9457 problem details, mapped the same way by the service defaults.</summary>
public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private WebApplication app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults("Problem details test");
        app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/conflict", string () => throw new DomainException("The order cannot be cancelled in state APPROVAL_PENDING."));
        app.MapGet("/missing", string () => throw new NotFoundException("There is no consumer 42."));
        app.MapGet("/malformed", string () => throw new InvalidInputException("orderTotal must be a decimal string."));
        app.MapGet("/crash", string () => throw new InvalidOperationException("connection string with password=secret"));
        app.MapPost("/echo", (EchoRequest request) => request.Text);
        await app.StartAsync();
        client = app.GetTestClient();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_domain_rule_that_says_no_is_409_with_its_message()
    {
        var (status, problem) = await GetProblemAsync(await client.GetAsync("/conflict"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("The order cannot be cancelled in state APPROVAL_PENDING.", problem["detail"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(problem["traceId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/missing", HttpStatusCode.NotFound, "There is no consumer 42.")]
    [InlineData("/malformed", HttpStatusCode.BadRequest, "orderTotal must be a decimal string.")]
    public async Task Something_that_does_not_exist_is_404_and_a_malformed_value_400_with_its_message(string path, HttpStatusCode expected, string detail)
    {
        var (status, problem) = await GetProblemAsync(await client.GetAsync(path));

        Assert.Equal(expected, status);
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unexpected_exception_is_500_without_its_details()
    {
        var (status, problem) = await GetProblemAsync(await client.GetAsync("/crash"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.DoesNotContain("secret", problem.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_route_is_404_problem_details()
    {
        var (status, problem) = await GetProblemAsync(await client.GetAsync("/nothing-here"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_of_the_wrong_type_is_400_naming_the_json_path()
    {
        var (status, problem) = await GetProblemAsync(await client.PostAsync("/echo", new StringContent("""{"text":42}""", System.Text.Encoding.UTF8, "application/json")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("$.text", problem["detail"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode, JsonNode)> GetProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private sealed record EchoRequest(string Text);
}
