using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Relay;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Migrations;
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
    /// <summary>The messaging tables, a migration track of their own (Schema/NNNN_name.sql).</summary>
    public static readonly MigrationTrack SchemaTrack = new("messaging", typeof(MessagingExtensions).Assembly, LegacyName: "messaging");

    /// <summary>
    /// The outbox on <typeparamref name="TContext"/> (its tables come as the messaging migration track),
    /// the message relay chosen by <c>Messaging:Relay</c> (Polling | LogTailing | None), the handlers
    /// declared in <paramref name="configure"/>, and the broker at <c>ConnectionStrings:RabbitMq</c>.
    /// The broker and the outbox join the health report (/health), not readiness: with the broker away
    /// the service keeps taking requests, and the outbox keeps what it must send.
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

        services.AddSingleton(SchemaTrack);
        services.AddSingleton(options);
        services.AddScoped<DbContext>(sp => sp.GetRequiredService<TContext>());
        services.AddScoped<TransactionalOutbox>();
        services.AddMetrics();
        services.AddSingleton(sp => new OutboxMonitor(databaseConnectionString, sp.GetRequiredService<ILogger<OutboxMonitor>>()));
        services.AddHostedService(sp => sp.GetRequiredService<OutboxMonitor>());
        services.AddSingleton<MessagingMetrics>();
        services.AddHealthChecks()
            .AddCheck<OutboxMonitor>("outbox", tags: [ServiceDefaultsExtensions.MessagingTag])
            // A frozen broker accepts the TCP connection and never answers the AMQP handshake: without a limit of its
            // own, /health would wait for it as long as the caller does.
            .AddCheck("broker", new BrokerHealthCheck(rabbitMqUri), tags: [ServiceDefaultsExtensions.MessagingTag], timeout: BrokerHealthCheck.Timeout);
        services.AddHostedService(sp => new MessagingCleanupService(databaseConnectionString, options,
            sp.GetRequiredService<ILogger<MessagingCleanupService>>()));
        if (options.Relay != RelayKind.None)
        {
            services.AddSingleton(sp => new BrokerPublisher(rabbitMqUri, options, sp.GetRequiredService<MessagingMetrics>(),
                sp.GetRequiredService<ILogger<BrokerPublisher>>()));
            services.AddSingleton<MessageRelay>(sp => options.Relay switch
            {
                RelayKind.LogTailing => new LogTailingMessageRelay(databaseConnectionString, sp.GetRequiredService<BrokerPublisher>(), options,
                    sp.GetRequiredService<MessagingMetrics>(), sp.GetRequiredService<ILogger<LogTailingMessageRelay>>()),
                _ => new PollingMessageRelay(databaseConnectionString, sp.GetRequiredService<BrokerPublisher>(), options,
                    sp.GetRequiredService<MessagingMetrics>(), sp.GetRequiredService<ILogger<PollingMessageRelay>>()),
            });
            services.AddHostedService<MessageRelayService>();
        }

        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            // Whether this service's consumers run: reported at /health, but not for readiness (see above).
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "message-bus";
                health.Tags.Clear();
                health.Tags.Add(ServiceDefaultsExtensions.MessagingTag);
            });
            messaging.AddConsumers(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(rabbitMqUri));
                // The relay publishes each outbox row's JSON as it is (application/json), with the message
                // type in the headers; MassTransit's own envelope stays readable too.
                rabbit.UseRawJsonDeserializer(RawSerializerOptions.Default, isDefault: false);
                messaging.ConfigureReceiveEndpoints(rabbit, context);
            });
        });
        return services;
    }
}
