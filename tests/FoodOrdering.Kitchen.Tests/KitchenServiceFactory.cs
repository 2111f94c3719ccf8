using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// The Kitchen service in-process, on a fresh database of the shared test PostgreSQL and on the shared
/// RabbitMQ, with its own channel prefix (its command partitions, reply and event channels are its own),
/// started and with its consumers bound before a test sends anything.
/// </summary>
public sealed class KitchenServiceFactory() : ServiceFactory<KitchenDbContext>("KitchenDb")
{
    public string RabbitMqUri { get; private set; } = "";
    public string ChannelPrefix { get; } = $"t{Guid.NewGuid().ToString("N")[..10]}.";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        RabbitMqUri = await TestInfrastructure.RabbitMqUriAsync();
        var health = await Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        Assert.Equal(BusHealthStatus.Healthy, health);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMqUri);
        builder.UseSetting("Messaging:ChannelPrefix", ChannelPrefix);
        builder.UseSetting("Messaging:MaxBackoff", "00:00:02");
    }

    /// <summary>
    /// Sends a command the way an order saga does: an outbox row (here in the Kitchen's own outbox, which
    /// its relay publishes to the sharded channel keyed by order id) naming a reply channel and a correlation id.
    /// </summary>
    public async Task<Guid> SendAsync<TCommand>(TCommand command, long orderId, string replyChannel, Guid correlationId)
        where TCommand : class
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var id = new TransactionalOutbox(db).Send(command, orderId.ToString(), replyChannel, correlationId);
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Creates a restaurant over REST: menu items "1" Chicken Vindaloo 12.34 and "2" Garlic Naan 3.50.</summary>
    public async Task<long> CreateRestaurantAsync(HttpClient? client = null)
    {
        client ??= CreateClient();
        var response = await client.PostAsJsonAsync("/v1/restaurants", Ajanta);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["restaurantId"]!.GetValue<long>();
    }

    public static readonly object Ajanta = new
    {
        name = "Ajanta",
        address = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
        menu = new
        {
            menuItems = new[]
            {
                new { id = "1", name = "Chicken Vindaloo", price = "12.34" },
                new { id = "2", name = "Garlic Naan", price = "3.50" },
            },
        },
    };
}
