using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Launcher.Processes;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// `./ftgo demo`: `up`, then a scripted walkthrough whose every request is printed as the curl
/// command a reader could type, followed by the response. Each step states the status it expects and
/// stops the demo if it gets another, so the end-to-end test that runs it proves the walkthrough.
/// Later issues add the order lifecycle.
/// </summary>
public static class DemoCommand
{
    public static async Task RunStepsAsync(FtgoSystem system, CancellationToken cancellationToken)
    {
        var consumer = system.Services.Single(s => s.Definition.Name == "consumer").BaseUrl;
        using var http = new HttpClient();

        Title("1. Sign up a consumer with an order limit (REST v1)");
        var created = await SendAsync(http, HttpMethod.Post, $"{consumer}/v1/consumers",
            """{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"500.00"}""", HttpStatusCode.Created, cancellationToken);
        var consumerId = created["consumerId"]!.GetValue<long>();

        Title("2. Read it back");
        await SendAsync(http, HttpMethod.Get, $"{consumer}/v1/consumers/{consumerId}", null, HttpStatusCode.OK, cancellationToken);

        Title("3. Bad input gets a problem-details answer that names the field");
        await SendAsync(http, HttpMethod.Post, $"{consumer}/v1/consumers", """{"name":{"firstName":""},"orderLimit":"12.345"}""",
            HttpStatusCode.BadRequest, cancellationToken);

        Title("4. An unknown consumer is 404 with problem details");
        await SendAsync(http, HttpMethod.Get, $"{consumer}/v1/consumers/999999", null, HttpStatusCode.NotFound, cancellationToken);
        ConsoleLog.Info("Demo finished.");
    }

    private static void Title(string title) => ConsoleLog.Line("demo", 92, $"== {title}");

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string url, string? body, HttpStatusCode expected,
        CancellationToken cancellationToken)
    {
        var curl = body is null
            ? $"curl -i {url}"
            : $"curl -i -X {method} {url} -H 'Content-Type: application/json' -d '{body}'";
        ConsoleLog.Line("demo", 92, $"$ {curl}");

        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var location = response.Headers.Location is { } l ? $"  Location: {l}" : "";
        ConsoleLog.Line("demo", 92, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{location}");
        var json = string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
        foreach (var line in json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Split('\n'))
        {
            ConsoleLog.Line("demo", 92, line);
        }
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"The demo expected {(int)expected} {expected} from {method} {url}, got {(int)response.StatusCode}.");
        }
        return json;
    }
}
