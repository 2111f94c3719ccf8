using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The lab switch Order:Validation=Synchronous (SynchronousOrderValidation): POST /v1/orders first asks the
/// Consumer service (ValidateOrderByConsumer) and then the Kitchen service (GetRestaurant: the restaurant and
/// every menu item) over gRPC, through their service proxies. It works while both are up; once either is
/// down, no order can be placed at all (503 problem details naming it, then fast because the breaker opens).
/// The default asynchronous mode never suffers this: ExpandConsumerTests places an order with the Consumer
/// service down, and every other test of this project places orders with no Kitchen service at all.
/// </summary>
public sealed class SynchronousValidationTests(SynchronousValidationFactory service) : IClassFixture<SynchronousValidationFactory>
{
    private const long ConsumerId = ConsumerGrpcStub.KnownConsumerId;

    [Fact]
    public async Task With_synchronous_validation_an_order_waits_for_the_Consumer_and_Kitchen_services_and_fails_503_while_either_is_down()
    {
        Assert.Equal(HttpStatusCode.Created, (await Place(quantity: 2)).StatusCode);
        // Refused at once, by the synchronous answers: over the consumer's limit (1234.00 > 500.00) ...
        Assert.Contains("exceeds the order limit", await RefusalAsync(await Place(quantity: 100)));
        // ... and an item the menu replica still lists but the Kitchen service no longer has.
        Assert.Contains($"has no menu item {KitchenGrpcStub.WithdrawnMenuItemId} now", await RefusalAsync(await Place(quantity: 1, KitchenGrpcStub.WithdrawnMenuItemId)));
        Assert.Equal(1, await OrdersPlacedAsync());

        await service.Kitchen.StopAsync();
        await AssertUnavailableAsync("kitchen");

        await service.Consumer.StopAsync();
        await AssertUnavailableAsync("consumer"); // asked first

        Assert.Equal(1, await OrdersPlacedAsync()); // none placed while either was down
    }

    /// <summary>503 problem details that name the service, first for the failed call, then (fast) for the open breaker.</summary>
    private async Task AssertUnavailableAsync(string downstream)
    {
        var down = await Place(quantity: 2);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{downstream} service is unavailable", await DetailAsync(down));
        await Wait.UntilAsync(async _ => await DetailAsync(await Place(quantity: 2)) is var detail
                && detail.Contains($"{downstream} service is unavailable: its circuit breaker is open", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), $"the {downstream} breaker to open", CancellationToken.None);
    }

    private Task<HttpResponseMessage> Place(int quantity, string menuItemId = "1") =>
        service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(ConsumerId, OrderServiceFactory.RestaurantId, quantity, menuItemId));

    private static async Task<string> RefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return await DetailAsync(response);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>();

    private Task<long> OrdersPlacedAsync() => service.Database.ScalarAsync<long>($"SELECT count(*) FROM orders WHERE consumer_id = {ConsumerId}");
}
