using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The lab switch Order:Validation=Synchronous: POST /v1/orders first asks the Consumer service over gRPC
/// (ConsumerServiceProxy.ValidateOrderByConsumer). It works while the Consumer service is up; once it is
/// down, no order can be placed at all (503, then fast because the breaker opens), which the default
/// asynchronous mode never suffers (ExpandConsumerTests places one with the Consumer service down).
/// </summary>
public sealed class SynchronousValidationTests(SynchronousValidationFactory service) : IClassFixture<SynchronousValidationFactory>
{
    [Fact]
    public async Task With_synchronous_validation_an_order_waits_for_the_Consumer_service_and_fails_503_while_it_is_down()
    {
        const long consumerId = ConsumerGrpcStub.KnownConsumerId;
        Assert.Equal(HttpStatusCode.Created, (await Place(quantity: 2)).StatusCode);
        var overLimit = await Place(quantity: 100); // 1234.00 > 500.00: refused at once, by the synchronous answer
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overLimit.StatusCode);
        Assert.Contains("exceeds the order limit", (await overLimit.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Equal(1, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM orders WHERE consumer_id = {consumerId}"));

        await service.Consumer.StopAsync();
        var down = await Place(quantity: 2);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("consumer service is unavailable", (await down.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        await Wait.UntilAsync(async _ => (await (await Place(quantity: 2)).Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>()
            .Contains("circuit breaker is open", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the consumer's breaker to open", CancellationToken.None);
        Assert.Equal(1, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM orders WHERE consumer_id = {consumerId}")); // none placed while down

        Task<HttpResponseMessage> Place(int quantity) =>
            service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(consumerId, OrderServiceFactory.RestaurantId, quantity));
    }
}
