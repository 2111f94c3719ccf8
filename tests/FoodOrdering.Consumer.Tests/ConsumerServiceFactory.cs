using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// The Consumer service in-process, on a fresh database of the shared test PostgreSQL and on the shared
/// RabbitMQ, with its own channel prefix so its events reach only this test class.
/// </summary>
public class ConsumerServiceFactory() : ServiceFactory<ConsumerDbContext>("ConsumerDb")
{
    public string RabbitMqUri { get; private set; } = "";
    public string ChannelPrefix { get; } = $"t{Guid.NewGuid().ToString("N")[..10]}.";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        RabbitMqUri = await StartRabbitMqAsync();
    }

    public ConsumerDbContext NewDbContext() => new(new DbContextOptionsBuilder<ConsumerDbContext>().UseNpgsql(Database.ConnectionString).Options);

    protected virtual Task<string> StartRabbitMqAsync() => TestInfrastructure.RabbitMqUriAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMqUri);
        builder.UseSetting("Messaging:ChannelPrefix", ChannelPrefix);
        builder.UseSetting("Messaging:MaxBackoff", "00:00:02");
    }
}

/// <summary>The Consumer service on a private RabbitMQ node, which the test stops and starts.</summary>
public sealed class ConsumerWithPrivateBrokerFactory : ConsumerServiceFactory
{
    public RestartableRabbitMq Broker { get; } = new();

    protected override async Task<string> StartRabbitMqAsync()
    {
        await Broker.StartAsync();
        return Broker.AmqpUri;
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Broker.DisposeAsync();
        }
    }
}
