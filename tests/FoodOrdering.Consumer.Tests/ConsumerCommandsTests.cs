using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// The Consumer service as a saga participant, against real PostgreSQL and RabbitMQ. One command channel,
/// consumer-service-commands, carries both styles of chapter 3: ValidateOrderByConsumer (request/response:
/// a reply on the channel it names, with its correlation id) and NotifyConsumer (one-way: recorded, never
/// answered).
/// </summary>
public sealed class ConsumerCommandsTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>, IAsyncLifetime
{
    private readonly HttpClient client = service.CreateClient();
    private SagaSide saga = null!;

    public async Task InitializeAsync() => saga = await SagaSide.StartAsync(service.NewDbContext, service.RabbitMqUri, service.ChannelPrefix, Channels.ConsumerEvents);

    public async Task DisposeAsync() => await saga.DisposeAsync();

    [Fact]
    public async Task ValidateOrderByConsumer_within_the_order_limit_replies_ConsumerVerified_with_its_correlation_id()
    {
        var consumerId = await SignUpAsync("500.00");
        const long orderId = 4711;

        var correlationId = await saga.SendAsync(new ValidateOrderByConsumer(consumerId, orderId, "500.00"), orderId);

        var (type, reply) = await saga.ReplyAsync(correlationId);
        Assert.Equal(nameof(ConsumerVerified), type);
        Assert.Equal((consumerId, orderId), (reply["consumerId"]!.GetValue<long>(), reply["orderId"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("500.01", "Order total 500.01 exceeds the order limit 500.00 of consumer {0}.")]
    [InlineData("12.345", "The order total '12.345' is not an amount of money")]
    public async Task ValidateOrderByConsumer_refused_replies_ConsumerVerificationFailed_with_the_reason(string orderTotal, string reason)
    {
        var consumerId = await SignUpAsync("500.00");

        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new ValidateOrderByConsumer(consumerId, 1, orderTotal), 1));

        Assert.Equal(nameof(ConsumerVerificationFailed), type);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, consumerId), reply["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ValidateOrderByConsumer_for_an_unknown_consumer_replies_ConsumerVerificationFailed()
    {
        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new ValidateOrderByConsumer(987_654_321, 2, "1.00"), 2));

        Assert.Equal(nameof(ConsumerVerificationFailed), type);
        Assert.Equal("Unknown consumer 987654321.", reply["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task NotifyConsumer_is_recorded_once_readable_over_REST_and_never_answered()
    {
        var consumerId = await SignUpAsync("500.00");
        Assert.Empty((await NotificationsAsync(consumerId)).AsArray());

        var correlationId = await saga.SendOneWayAsync(new NotifyConsumer(consumerId, 77, "Order 77 approved", "Your order is on its way."), 77);
        // The same news again with a new message id (a sender's retry), then another one.
        await saga.SendOneWayAsync(new NotifyConsumer(consumerId, 77, "Order 77 approved", "Your order is on its way."), 77);
        await saga.SendOneWayAsync(new NotifyConsumer(consumerId, 77, "Order 77 cancelled", "You cancelled it."), 77);

        JsonArray notifications = [];
        await Wait.UntilAsync(async _ => (notifications = (await NotificationsAsync(consumerId)).AsArray()).Count == 2
                && await service.Database.ScalarAsync<long>("SELECT count(*) FROM processed_messages WHERE handler = 'consumer.notify-consumer'") >= 3,
            TimeSpan.FromSeconds(30), "the notifications to be recorded", CancellationToken.None);
        Assert.Equal(["Order 77 approved", "Order 77 cancelled"], notifications.Select(n => n!["subject"]!.GetValue<string>()));
        Assert.Equal("Your order is on its way.", notifications[0]!["text"]!.GetValue<string>());
        Assert.Equal(77, notifications[0]!["orderId"]!.GetValue<long>());
        // One-way: nothing was written back, under that correlation id or to the reply channel for that order.
        Assert.Equal(1L, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE correlation_id = '{correlationId}'"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE channel = '{SagaSide.ReplyChannel}' AND message_key = '77'"));
    }

    [Fact]
    public async Task NotifyConsumer_for_an_unknown_consumer_is_dropped_without_error_and_notifications_of_an_unknown_consumer_are_404()
    {
        await saga.SendOneWayAsync(new NotifyConsumer(987_654_322, 5, "Order 5 approved", "..."), 5);

        await Wait.UntilAsync(async _ => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM processed_messages WHERE handler = 'consumer.notify-consumer' AND message_id IN (SELECT id FROM outbox WHERE message_key = '5')") == 1,
            TimeSpan.FromSeconds(30), "the notification to be handled", CancellationToken.None);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE consumer_id = 987654322"));
        var response = await client.GetAsync("/v1/consumers/987654322/notifications");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<long> SignUpAsync(string orderLimit)
    {
        var response = await client.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
    }

    private async Task<JsonNode> NotificationsAsync(long consumerId) =>
        (await client.GetFromJsonAsync<JsonNode>($"/v1/consumers/{consumerId}/notifications"))!;
}
