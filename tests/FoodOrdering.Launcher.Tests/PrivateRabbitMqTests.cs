using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Launcher.Tests;

/// <summary>The private RabbitMQ node keeps what it holds across restarts, whatever port it gets.</summary>
public sealed class PrivateRabbitMqTests : IDisposable
{
    // Not CreateTempSubdirectory: a private node's folder is like the launcher's .ftgo/rabbitmq.
    private readonly string directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ftgo-rabbitmq-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_node_that_gets_another_port_keeps_its_durable_queues_and_persistent_messages()
    {
        var queue = $"kept-{Guid.NewGuid():N}";
        await using (var node = await StartAsync(Network.FreePort()))
        {
            using var http = ManagementApi(node);
            (await http.PutAsJsonAsync($"api/queues/%2F/{queue}", new { durable = true })).EnsureSuccessStatusCode();
            var published = await http.PostAsJsonAsync("api/exchanges/%2F/amq.default/publish",
                new { properties = new { delivery_mode = 2 }, routing_key = queue, payload = "still here", payload_encoding = "string" });
            Assert.True((await published.Content.ReadFromJsonAsync<JsonNode>())!["routed"]!.GetValue<bool>());
        }

        // The default port was busy this time, say: the launcher hands the node another one.
        await using (var node = await StartAsync(Network.FreePort()))
        {
            using var http = ManagementApi(node);
            var got = await http.PostAsJsonAsync($"api/queues/%2F/{queue}/get", new { count = 1, ackmode = "ack_requeue_false", encoding = "auto" });
            Assert.True(got.IsSuccessStatusCode, $"the queue is gone: {(int)got.StatusCode} {await got.Content.ReadAsStringAsync()}");
            var messages = (await got.Content.ReadFromJsonAsync<JsonArray>())!;
            Assert.Equal("still here", Assert.Single(messages)!["payload"]!.GetValue<string>());
        }
    }

    private async Task<PrivateRabbitMq> StartAsync(int amqpPort)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await PrivateRabbitMq.StartAsync(directory, amqpPort, Network.FreePort(), 0, timeout.Token);
    }

    private static HttpClient ManagementApi(PrivateRabbitMq node)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.ManagementUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return http;
    }
}
