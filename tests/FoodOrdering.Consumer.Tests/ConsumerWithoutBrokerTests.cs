using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// The broker goes away: the service stays ready and keeps taking sign-ups (that is what the outbox is
/// for), /health says what is wrong, and the event is delivered once the broker is back.
/// </summary>
public sealed class ConsumerWithoutBrokerTests(ConsumerWithPrivateBrokerFactory service) : IClassFixture<ConsumerWithPrivateBrokerFactory>
{
    [Fact]
    public async Task With_RabbitMQ_stopped_the_service_is_ready_takes_sign_ups_and_publishes_them_when_it_returns()
    {
        var watchQueue = service.ChannelPrefix + "watch." + Channels.ConsumerEvents;
        await using (var rabbitMq = await RabbitMqProbe.ConnectAsync(service.RabbitMqUri))
        {
            await rabbitMq.DeclareQueueAsync(service.ChannelPrefix + Channels.ConsumerEvents, watchQueue); // durable: survives the restart
        }
        var client = service.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await service.Broker.StopAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var response = await client.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Grace", lastName = "Hopper" }, orderLimit = "250.00" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var consumerId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
        Assert.True(await service.Database.ScalarAsync<bool>($"SELECT sent_at IS NULL FROM outbox WHERE message_key = '{consumerId}'"));
        // The full report names the broker as the problem.
        await Wait.UntilAsync(async _ =>
            {
                using var report = await client.GetAsync("/health");
                var checks = (await report.Content.ReadFromJsonAsync<JsonNode>())!["checks"]!;
                return checks["broker"]!["status"]!.GetValue<string>() != "Healthy" && checks["database"]!["status"]!.GetValue<string>() == "Healthy";
            },
            TimeSpan.FromSeconds(30), "/health to report the broker unhealthy", CancellationToken.None);

        await service.Broker.StartAsync();

        await using var probe = await RabbitMqProbe.ConnectAsync(service.RabbitMqUri);
        var (body, headers) = await probe.WaitForMessageAsync(watchQueue, (_, h) => h.GetValueOrDefault("ftgo-message-key") == consumerId.ToString());
        Assert.Equal("ConsumerCreated", headers["ftgo-message-type"]);
        Assert.Equal("Grace", JsonNode.Parse(body)!["firstName"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_RabbitMQ_frozen_health_still_answers_and_says_the_broker_did_not_answer()
    {
        // A frozen broker (SIGSTOP: a stuck node, a paused VM) accepts the connection and never answers the handshake.
        using var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30); // a liveness bound: without its own limit the check waited as long as the client did
        service.Broker.Freeze();
        try
        {
            using var report = await client.GetAsync("/health");
            var broker = (await report.Content.ReadFromJsonAsync<JsonNode>())!["checks"]!["broker"]!;
            Assert.Equal("Unhealthy", broker["status"]!.GetValue<string>());
            Assert.Contains("did not answer within", broker["description"]!.GetValue<string>());
        }
        finally
        {
            service.Broker.Thaw();
        }
    }
}
