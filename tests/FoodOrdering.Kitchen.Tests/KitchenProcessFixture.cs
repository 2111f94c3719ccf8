using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// The real Kitchen service, started as a process by the launcher (as `./ftgo up` does) on the shared test
/// PostgreSQL and RabbitMQ, with the Ajanta restaurant created over REST. Tickets are made the saga's
/// way: CreateTicket and ConfirmCreateTicket written to an outbox (the service's own, which its relay sends).
/// </summary>
public sealed class KitchenProcessFixture : IAsyncLifetime
{
    private static long nextOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private TestSystem system = null!;

    public string GrpcUrl { get; private set; } = "";
    public string RestUrl { get; private set; } = "";
    public long RestaurantId { get; private set; }
    public string ConnectionString => system.System.ConnectionString(system.Service("kitchen").Definition);

    public async Task InitializeAsync()
    {
        system = await TestSystem.StartAsync(["kitchen"]);
        RestUrl = system.Service("kitchen").BaseUrl;
        GrpcUrl = system.Service("kitchen").GrpcUrl;
        RestaurantId = await CreateRestaurantAsync();
    }

    public async Task DisposeAsync() => await system.DisposeAsync();

    public async Task<long> CreateRestaurantAsync()
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync($"{RestUrl}/v1/restaurants", KitchenServiceFactory.Ajanta);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["restaurantId"]!.GetValue<long>();
    }

    /// <summary>A ticket of a new order in AWAITING_ACCEPTANCE (created and confirmed by saga commands); returns its id.</summary>
    public async Task<long> ConfirmedTicketAsync(long? restaurantId = null)
    {
        var orderId = Interlocked.Increment(ref nextOrderId);
        await using (var db = NewDbContext())
        {
            var outbox = new TransactionalOutbox(db);
            outbox.Send(new CreateTicket(orderId, restaurantId ?? RestaurantId, [new("1", 2)]), orderId.ToString(), "test-saga-replies");
            outbox.Send(new ConfirmCreateTicket(orderId), orderId.ToString(), "test-saga-replies");
            await db.SaveChangesAsync();
        }
        long ticketId = 0;
        await Wait.UntilAsync(async ct =>
            {
                await using var db = NewDbContext();
                var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.OrderId == orderId, ct);
                ticketId = ticket?.Id ?? 0;
                return ticket?.ReachedKitchen == true;
            },
            TimeSpan.FromSeconds(30), $"the ticket of order {orderId} to await acceptance", CancellationToken.None);
        return ticketId;
    }

    public KitchenDbContext NewDbContext() => new(new DbContextOptionsBuilder<KitchenDbContext>().UseNpgsql(ConnectionString).Options);

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

[CollectionDefinition(Name)]
public sealed class KitchenProcessCollection : ICollectionFixture<KitchenProcessFixture>
{
    public const string Name = "The Kitchen service as a process";
}
