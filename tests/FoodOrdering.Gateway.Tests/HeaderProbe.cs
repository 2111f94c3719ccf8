using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Gateway.Tests;

/// <summary>One request as the probe received it: what a service behind the gateway sees.</summary>
public sealed record ProbedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string[]> Headers, long BodyLength, string BodySha256)
{
    public string[] Header(string name) => Headers.TryGetValue(name, out var values) ? values : [];
}

/// <summary>
/// A small HTTP server of the test's own, routed to by the gateway under /api/probe/...: it records every
/// request (headers, body length and hash, read as a stream) and answers 200, or the status asked for in
/// <c>?status=</c>. The real services show what they do with a request; this shows what arrived.
/// </summary>
public sealed class HeaderProbe : IAsyncDisposable
{
    private readonly WebApplication app;

    private HeaderProbe(WebApplication app) => this.app = app;

    public ConcurrentDictionary<string, ProbedRequest> Received { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<HeaderProbe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var probe = new HeaderProbe(app);
        app.Run(async http =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
            var request = new ProbedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString,
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.OrdinalIgnoreCase),
                length, Convert.ToHexString(sha.GetHashAndReset()));
            if (http.Request.Headers.TryGetValue("X-Probe-Id", out var id))
            {
                probe.Received[id.ToString()] = request;
            }
            http.Response.StatusCode = int.TryParse(http.Request.Query["status"], out var status) ? status : StatusCodes.Status200OK;
            await http.Response.WriteAsJsonAsync(new { received = length });
        });
        await app.StartAsync();
        probe.Url = app.Urls.Single();
        return probe;
    }

    /// <summary>The gateway's configuration of the probe's route and cluster (ReverseProxy section, as environment variables).</summary>
    public IReadOnlyDictionary<string, string> GatewayRoute() => new Dictionary<string, string>
    {
        ["ReverseProxy__Routes__probe__ClusterId"] = "probe",
        ["ReverseProxy__Routes__probe__Match__Path"] = "/api/probe/{**rest}",
        ["ReverseProxy__Routes__probe__AuthorizationPolicy"] = "anonymous",
        ["ReverseProxy__Routes__probe__Transforms__0__PathRemovePrefix"] = "/api",
        ["ReverseProxy__Clusters__probe__Destinations__probe__Address"] = Url,
    };

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
