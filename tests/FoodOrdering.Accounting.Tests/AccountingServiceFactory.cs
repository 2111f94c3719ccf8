using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Accounting.Tests;

/// <summary>
/// The Accounting service in-process, on a fresh database of the shared test PostgreSQL and on the shared
/// RabbitMQ, with its own channel prefix so its channels belong to this test class only. Started, with its
/// queues bound, before the first test runs.
/// </summary>
public sealed class AccountingServiceFactory() : ServiceFactory<AccountingDbContext>("AccountingDb")
{
    public string RabbitMqUri { get; private set; } = "";
    public string ChannelPrefix { get; } = $"t{Guid.NewGuid().ToString("N")[..10]}.";

    public AccountingDbContext NewDbContext() => NewDbContext(Database.ConnectionString);

    public static AccountingDbContext NewDbContext(string connectionString) =>
        new(new DbContextOptionsBuilder<AccountingDbContext>().UseNpgsql(connectionString).Options);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        RabbitMqUri = await TestInfrastructure.RabbitMqUriAsync();
        // Events published before the subscriber's queue is bound would reach nobody: wait for the bus.
        await Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMqUri);
        builder.UseSetting("Messaging:ChannelPrefix", ChannelPrefix);
        builder.UseSetting("Messaging:MaxBackoff", "00:00:02");
        builder.UseSetting("Accounting:DefaultSingleAuthorizationLimit", "100.00");
    }
}
