using Microsoft.Extensions.Configuration;

namespace FoodOrdering.ServiceDefaults.Tests;

/// <summary>
/// Where `--health-check` (the images' HEALTHCHECK) asks: the running service's first REST URL, from the same configuration
/// the service binds with, on loopback when the service listens on every address. (The process itself, against a
/// listening stand-in, is in DeploymentToolsTests.)
/// </summary>
public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8081", null, "http://127.0.0.1:8081/health/ready")]
    [InlineData("http://+:8082;http://0.0.0.0:9999", null, "http://127.0.0.1:8082/health/ready")]
    [InlineData("http://*:8083", null, "http://127.0.0.1:8083/health/ready")]
    [InlineData("http://[::]:8084", null, "http://127.0.0.1:8084/health/ready")]
    [InlineData("http://127.0.0.1:8080", "8080", "http://127.0.0.1:8080/health/ready")]
    [InlineData("http://localhost:5001", null, "http://localhost:5001/health/ready")]
    [InlineData(null, "8080", "http://127.0.0.1:8080/health/ready")] // the aspnet image's ASPNETCORE_HTTP_PORTS, when no URL is set
    [InlineData(null, null, "http://localhost:5000/health/ready")] // Kestrel's default
    public void Asks_readiness_where_the_service_listens(string? urls, string? httpPorts, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = urls,
            ["http_ports"] = httpPorts,
        }).Build();

        Assert.Equal(new Uri(expected), HealthCheckCommand.ReadyUrl(configuration));
    }

    [Theory]
    [InlineData(new[] { "/app/FoodOrdering.Consumer.dll", "--health-check" }, true)]
    [InlineData(new[] { "/app/FoodOrdering.Consumer.dll" }, false)]
    [InlineData(new[] { "/app/FoodOrdering.Consumer.dll", "--urls", "http://0.0.0.0:8081" }, false)]
    public void Runs_only_when_asked(string[] commandLine, bool asked) => Assert.Equal(asked, HealthCheckCommand.IsRequested(commandLine));
}
