using FoodOrdering.Messaging;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FoodOrdering.RelayBenchmark;

/// <summary>
/// A message relay and nothing else, as its own process, configured like a service:
/// <c>relay --ConnectionStrings:Outbox=... --ConnectionStrings:RabbitMq=... --Messaging:Relay=LogTailing --Messaging:ServiceName=...</c>.
/// The kill -9 proof starts it, kills it mid-stream and starts another.
/// </summary>
public static class RelayProcess
{
    public static async Task RunAsync(string[] args)
    {
        MessageContracts.AddFrom(typeof(ProofEvent).Assembly);
        var builder = Host.CreateApplicationBuilder(args);
        var database = builder.Configuration.GetConnectionString("Outbox") ?? throw new InvalidOperationException("Missing --ConnectionStrings:Outbox.");
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq") ?? throw new InvalidOperationException("Missing --ConnectionStrings:RabbitMq.");
        var options = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Services.AddDbContext<OutboxDbContext>(o => o.UseNpgsql(database));
        builder.Services.AddMessaging<OutboxDbContext>(database, rabbitMq, options);
        await builder.Build().RunAsync();
    }
}

/// <summary>A database with only the outbox and inbox tables mapped.</summary>
public sealed class OutboxDbContext(DbContextOptions<OutboxDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
