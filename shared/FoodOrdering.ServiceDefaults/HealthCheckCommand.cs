using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace FoodOrdering.ServiceDefaults;

/// <summary>
/// <c>dotnet FoodOrdering.X.dll --health-check</c>: asks the instance that runs next to it (same container, same
/// configuration) for its /health/ready and exits 0 when it answers 200, 1 otherwise. It is the images' Docker
/// HEALTHCHECK: the aspnet runtime image has no curl or wget, and the service's own assembly knows its own URL,
/// so the check needs nothing installed and reads the port from the configuration the service itself listens on.
/// </summary>
public static class HealthCheckCommand
{
    public const string Argument = "--health-check";

    public static bool IsRequested(IEnumerable<string> commandLine) => commandLine.Contains(Argument, StringComparer.Ordinal);

    /// <summary>Prints what it asked and what it got (Docker keeps it: `docker inspect`), and returns the exit code.</summary>
    public static int Run(IConfiguration configuration)
    {
        var url = ReadyUrl(configuration);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            Console.WriteLine($"GET {url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"GET {url}: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// /health/ready on the first REST URL the service binds ("urls": --urls, Urls, ASPNETCORE_URLS; else ASPNETCORE_HTTP_PORTS;
    /// else Kestrel's default), with a wildcard host (0.0.0.0, +, *, [::]) replaced by the loopback address.
    /// </summary>
    public static Uri ReadyUrl(IConfiguration configuration)
    {
        var first = configuration[WebHostDefaults.ServerUrlsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? (configuration[WebHostDefaults.HttpPortsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } port
                ? $"http://127.0.0.1:{port}"
                : "http://localhost:5000");
        var address = BindingAddress.Parse(first);
        var host = address.Host is "0.0.0.0" or "+" or "*" or "[::]" or "::" ? "127.0.0.1" : address.Host;
        return new Uri($"{address.Scheme}://{host}:{address.Port}{address.PathBase}{ServiceDefaultsExtensions.ReadyPath}");
    }
}
