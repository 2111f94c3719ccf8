using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FoodOrdering.Consumer.Tests;

/// <summary>The Consumer service publishes its events through the transactional outbox and the message relay, on real RabbitMQ.</summary>
public sealed class ConsumerEventsTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>, IAsyncLifetime
{
    private RabbitMqProbe rabbitMq = null!;

    public async Task InitializeAsync() => rabbitMq = await RabbitMqProbe.ConnectAsync(service.RabbitMqUri);

    public async Task DisposeAsync() => await rabbitMq.DisposeAsync();

    [Fact]
    public async Task Signing_up_a_consumer_publishes_ConsumerCreated_with_the_message_headers()
    {
        var watch = await rabbitMq.WatchExchangeAsync(service.ChannelPrefix + Channels.ConsumerEvents);
        var client = service.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" });
        response.EnsureSuccessStatusCode();
        var consumerId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();

        var (body, headers) = await rabbitMq.WaitForMessageAsync(watch, (_, headers) => headers.GetValueOrDefault("ftgo-message-type") == "ConsumerCreated");
        // The body is the outbox row's payload, as it is: plain JSON any client can read.
        var message = JsonNode.Parse(body)!;
        Assert.Equal(consumerId, message["consumerId"]!.GetValue<long>());
        Assert.Equal("Ada", message["firstName"]!.GetValue<string>());
        Assert.Equal("500.00", message["orderLimit"]!.GetValue<string>());
        Assert.Equal("ConsumerCreated", headers["ftgo-message-type"]);
        Assert.Equal("1", headers["ftgo-schema-version"]);
        Assert.Equal(consumerId.ToString(), headers["ftgo-message-key"]);
        // The broker message id is the outbox row's id, and the row is marked sent after the confirm.
        var outboxId = await service.Database.ScalarAsync<string>("SELECT id::text FROM outbox WHERE message_type = 'ConsumerCreated'");
        Assert.Equal(outboxId, headers["MessageId"]);
        Assert.Equal(body, await service.Database.ScalarAsync<string>($"SELECT payload FROM outbox WHERE id = '{outboxId}'"));
        Assert.True(Guid.TryParse(headers["CorrelationId"], out _));
        await WaitUntilSentAsync(outboxId!);
    }

    [Fact]
    public void Readiness_is_the_services_own_database_and_the_broker_and_outbox_are_in_the_health_report()
    {
        var checks = service.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.Equal(["database"], checks.Where(c => c.Tags.Contains(ServiceDefaultsExtensions.ReadyTag)).Select(c => c.Name));
        Assert.Equal(["broker", "message-bus", "outbox"], checks.Where(c => c.Tags.Contains(ServiceDefaultsExtensions.MessagingTag)).Select(c => c.Name).Order());
    }

    private Task WaitUntilSentAsync(string outboxId) =>
        LocalSystem.Processes.Wait.UntilAsync(async _ => await service.Database.ScalarAsync<bool>($"SELECT sent_at IS NOT NULL FROM outbox WHERE id = '{outboxId}'"),
            TimeSpan.FromSeconds(10), "the outbox row to be marked sent", CancellationToken.None);
}
