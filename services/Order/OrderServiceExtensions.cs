using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Activity;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Messaging;
using FoodOrdering.Order.Api;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Messaging;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Order.Proxies;
using FoodOrdering.Order.Sagas;
using FoodOrdering.Order.Validation;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;
using FoodOrdering.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.HttpOverrides;
using OpenTelemetry.Metrics;

namespace FoodOrdering.Order;

/// <summary>Everything the Order service registers, in one place (Program.cs stays a few lines).</summary>
public static class OrderServiceExtensions
{
    public static WebApplicationBuilder AddOrderService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<OrderDbContext>("OrderDb");
        // gRPC (Grpc.AspNetCore) on its own HTTP/2-only port ("Grpc:Port", default 9084); REST stays on --urls.
        builder.AddGrpcServer(defaultPort: 9084);
        builder.Services.AddScoped<OrderService>();
        // What POST checks before it answers: nothing (the saga validates later), or synchronous calls (the lab switch).
        builder.AddOrderValidation();
        // REST v1 and v2 (URL and media type), their links, and ?expand= through the Consumer service's proxy.
        builder.AddOrderApiVersioning();
        builder.Services.AddSingleton<OrderLinks>();
        // Behind the gateway the links (and Location) must carry the prefix it took off the path (/api): its
        // X-Forwarded-Prefix becomes Request.PathBase. Only the prefix is taken, from whoever sends it (the
        // service is reached only inside the system, and a prefix only shapes the links of that same answer).
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedPrefix;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
        });
        builder.Services.AddScoped<OrderExpansion>();
        builder.AddGrpcServiceProxy<ConsumerService.ConsumerServiceClient>(ConsumerServiceProxy.Downstream);
        builder.Services.AddScoped<ConsumerServiceProxy>();
        builder.Services.AddScoped<OrderSagaActions>();
        builder.Services.AddSingleton<MenuReplicaMetrics>();
        // WatchOrder's feed: every committed change of an order's state, whichever instance made it (LISTEN/NOTIFY).
        builder.Services.AddSingleton<OrderChangeFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrderChangeFeed>());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(MenuReplicaMetrics.MeterName));
        // Publish/async responses: GET /v1/consumers/{consumerId}/activity gathers the parts for at most Order:Activity:Timeout.
        builder.Services.AddSingleton(new ConsumerActivitySettings(builder.Configuration.GetValue("Order:Activity:Timeout", TimeSpan.FromSeconds(2))));
        builder.Services.AddSingleton<ConsumerActivityGatherer>();
        builder.Services.AddScoped<ConsumerActivityService>();
        builder.AddMessaging<OrderDbContext>("order", "OrderDb", messaging => messaging
            // The menu replica (publish/subscribe): queue order-service.restaurant-events.
            .Subscribe<RestaurantCreated, RestaurantCreatedHandler>("order")
            .Subscribe<RestaurantMenuRevised, RestaurantMenuRevisedHandler>("order")
            // Scatter-gather: this service answers its own part of the query (queue order-service.consumer-activity-queries)
            // and gathers every part's reply from its reply channel, without the inbox (read-only).
            .Subscribe<GetConsumerActivity, ConsumerOrdersQueryHandler>("order")
            .HandleQueryReply<ConsumerOrders, ConsumerActivityReplyHandler>(Channels.ConsumerActivityReplies)
            .HandleQueryReply<ConsumerTickets, ConsumerActivityReplyHandler>(Channels.ConsumerActivityReplies)
            .HandleQueryReply<ConsumerAuthorizations, ConsumerActivityReplyHandler>(Channels.ConsumerActivityReplies)
            // The sagas this service orchestrates, each with its reply channel ({name}-saga-replies).
            .AddSaga<CreateOrderSaga, CreateOrderSagaData>()
            .AddSaga<CancelOrderSaga, CancelOrderSagaData>()
            .AddSaga<ReviseOrderSaga, ReviseOrderSagaData>());
        return builder;
    }
}
