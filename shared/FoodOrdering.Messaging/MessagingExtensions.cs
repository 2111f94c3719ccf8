using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Relay;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging;

/// <summary>Registers the messaging building block in a service (see docs/messaging.md).</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// The outbox on <typeparamref name="TContext"/>, the message relay chosen by <c>Messaging:Relay</c>
    /// (Polling | LogTailing | None), the handlers declared in <paramref name="configure"/>, and the
    /// broker at <c>ConnectionStrings:RabbitMq</c> (whose health check joins /health/ready).
    /// </summary>
    public static WebApplicationBuilder AddMessaging<TContext>(this WebApplicationBuilder builder, string serviceName,
        string databaseConnectionName, Action<MessagingBuilder>? configure = null)
        where TContext : DbContext
    {
        var options = (builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions()) with { ServiceName = serviceName };
        builder.Services.AddMessaging<TContext>(
            builder.Configuration.GetConnectionString(databaseConnectionName) ?? throw new InvalidOperationException($"Missing connection string '{databaseConnectionName}'."),
            builder.Configuration.GetConnectionString("RabbitMq") ?? throw new InvalidOperationException("Missing connection string 'RabbitMq' (ConnectionStrings__RabbitMq)."),
            options, configure);
        return builder;
    }

    public static IServiceCollection AddMessaging<TContext>(this IServiceCollection services, string databaseConnectionString, string rabbitMqUri,
        MessagingOptions options, Action<MessagingBuilder>? configure = null)
        where TContext : DbContext
    {
        var messaging = new MessagingBuilder(services, options);
        configure?.Invoke(messaging);

        services.AddSingleton(options);
        services.AddScoped<DbContext>(sp => sp.GetRequiredService<TContext>());
        services.AddScoped<TransactionalOutbox>();
        services.AddSingleton<BrokerPublisher>();
        services.AddHostedService(sp => new MessagingCleanupService(databaseConnectionString, options,
            sp.GetRequiredService<ILogger<MessagingCleanupService>>()));
        if (options.Relay != RelayKind.None)
        {
            services.AddSingleton<IMessageRelay>(sp => options.Relay switch
            {
                RelayKind.LogTailing => new LogTailingMessageRelay(databaseConnectionString, sp.GetRequiredService<BrokerPublisher>(), options,
                    sp.GetRequiredService<ILogger<LogTailingMessageRelay>>()),
                _ => new PollingMessageRelay(databaseConnectionString, sp.GetRequiredService<BrokerPublisher>(), options,
                    sp.GetRequiredService<ILogger<PollingMessageRelay>>()),
            });
            services.AddHostedService<MessageRelayService>();
        }

        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            messaging.AddConsumers(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(rabbitMqUri));
                messaging.ConfigureReceiveEndpoints(rabbit, context);
            });
        });
        return services;
    }
}
