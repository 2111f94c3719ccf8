using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Testing;
using Microsoft.AspNetCore.Hosting;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// The Order service in-process, on a fresh database of the shared test PostgreSQL and on the shared
/// RabbitMQ with its own channel prefix, and nothing else: no Consumer, Kitchen or Accounting service. The
/// tests play those (<see cref="SagaParticipants"/>), and feed the menu replica by publishing restaurant events.
/// </summary>
public class OrderServiceFactory() : ServiceFactory<OrderDbContext>("OrderDb")
{
    public const long RestaurantId = 3;
    public const string VindalooPrice = "12.34";

    public string RabbitMqUri { get; private set; } = "";
    public string ChannelPrefix { get; } = $"t{Guid.NewGuid().ToString("N")[..10]}.";
    public RabbitMqProbe Probe { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        RabbitMqUri = await TestInfrastructure.RabbitMqUriAsync();
        Probe = await RabbitMqProbe.ConnectAsync(RabbitMqUri);
        Client = CreateClient(); // starts the service
        // Its consumers are up once their queues exist: the sagas' reply queues and the menu replica's queue.
        var replyQueues = new[] { "create-order", "cancel-order", "revise-order" }
            .SelectMany(saga => Enumerable.Range(0, 8).Select(p => $"{saga}-saga-replies-p{p}"));
        foreach (var queue in replyQueues.Append(Channels.SubscriberQueue("order", Channels.RestaurantEvents)))
        {
            await Wait.UntilAsync(async _ => await Probe.MessageCountAsync(ChannelPrefix + queue) is not null, TimeSpan.FromSeconds(60),
                $"the Order service's queue {queue}", CancellationToken.None);
        }
        await PublishRestaurantAsync(RestaurantId, new RestaurantMenuItem("1", "Chicken Vindaloo", VindalooPrice),
            new RestaurantMenuItem("2", "Garlic Naan", "3.50"));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMqUri);
        builder.UseSetting("Messaging:ChannelPrefix", ChannelPrefix);
        builder.UseSetting("Messaging:MaxBackoff", "00:00:02");
    }

    public SagaParticipants Participants() => new(Probe, ChannelPrefix);

    /// <summary>
    /// What the Kitchen service publishes when a restaurant is created; waits until the replica has it. Right
    /// after start-up the replica's queue may exist before the event channel (its exchange) does, or before it
    /// is bound to it: so declare the exchange as the service does, and publish again every few seconds until
    /// the replica has the restaurant (the replica upserts).
    /// </summary>
    public async Task PublishRestaurantAsync(long restaurantId, params RestaurantMenuItem[] menu)
    {
        await Probe.DeclareExchangeAsync(ChannelPrefix + Channels.RestaurantEvents);
        var published = DateTime.MinValue;
        await Wait.UntilAsync(async _ =>
            {
                if (await Database.ScalarAsync<long>($"SELECT count(*) FROM restaurants WHERE id = {restaurantId}") == 1)
                {
                    return true;
                }
                if (DateTime.UtcNow - published > TimeSpan.FromSeconds(5))
                {
                    await Participants().PublishEventAsync(new RestaurantCreated(restaurantId, $"Restaurant {restaurantId}",
                        new RestaurantAddress("1 Main St", null, "Oakland", "CA", "94611"), menu), restaurantId.ToString());
                    published = DateTime.UtcNow;
                }
                return false;
            },
            TimeSpan.FromSeconds(60), $"restaurant {restaurantId} in the menu replica", CancellationToken.None);
    }

    /// <summary>POST /v1/orders of two Chicken Vindaloo (24.68) by <paramref name="consumerId"/>; returns the order id.</summary>
    public async Task<long> PlaceOrderAsync(long consumerId, int quantity = 2)
    {
        var response = await Client.PostAsJsonAsync("/v1/orders", OrderRequest(consumerId, RestaurantId, quantity));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>();
    }

    public static object OrderRequest(long consumerId, long restaurantId, int quantity = 2, string menuItemId = "1") => new
    {
        consumerId,
        restaurantId,
        lineItems = new[] { new { menuItemId, quantity } },
        deliveryAddress = new { street1 = "1 Main St", city = "Oakland", state = "CA", zip = "94611" },
        deliveryTime = "2026-12-02T19:00:00Z",
    };

    public async Task<JsonNode> GetOrderAsync(long orderId) => (await Client.GetFromJsonAsync<JsonNode>($"/v1/orders/{orderId}"))!;

    public Task WaitForStateAsync(long orderId, string state) =>
        Wait.UntilAsync(async _ => (await GetOrderAsync(orderId))["state"]!.GetValue<string>() == state, TimeSpan.FromSeconds(30),
            $"order {orderId} to be {state}", CancellationToken.None);

    /// <summary>An order the test (as every participant) approved; its NotifyConsumer taken.</summary>
    public async Task<long> ApprovedOrderAsync(SagaParticipants participants, long consumerId)
    {
        var orderId = await PlaceOrderAsync(consumerId);
        await ApproveAsync(participants, orderId, consumerId);
        return orderId;
    }

    /// <summary>The test, as every participant, approves a placed order; its NotifyConsumer taken.</summary>
    public async Task ApproveAsync(SagaParticipants participants, long orderId, long consumerId)
    {
        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId), new ConsumerVerified(consumerId, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<CreateTicket>(orderId), new TicketCreated(orderId, 79));
        await participants.ReplyAsync(await participants.ExpectAsync<AuthorizeCard>(orderId), new CardAuthorized(consumerId, orderId, 89, "24.68"));
        await participants.ReplyAsync(await participants.ExpectAsync<ConfirmCreateTicket>(orderId), new TicketCreationConfirmed(orderId, 79));
        await WaitForStateAsync(orderId, "APPROVED");
        await participants.ExpectAsync<NotifyConsumer>(orderId);
    }

    /// <summary>The types of the order's next <paramref name="count"/> events on a queue watching order-events.</summary>
    public async Task<List<string>> OrderEventsAsync(string watchQueue, long orderId, int count)
    {
        var types = new List<string>();
        while (types.Count < count)
        {
            var (_, headers) = await Probe.WaitForMessageAsync(watchQueue, (_, h) => h.GetValueOrDefault("ftgo-message-key") == orderId.ToString());
            types.Add(headers["ftgo-message-type"]);
        }
        return types;
    }

    /// <summary>Every outbox row is published: what the service will send, it has sent.</summary>
    public Task WaitUntilOutboxSentAsync() =>
        Wait.UntilAsync(async _ => await Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0, TimeSpan.FromSeconds(30),
            "every outbox row to be published", CancellationToken.None);

    public override async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Probe is not null)
        {
            await Probe.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
