using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Messaging;
using FoodOrdering.Order.Application;
using FoodOrdering.Order.Messaging;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Order.Sagas;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;
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
        builder.Services.AddScoped<OrderSagaActions>();
        builder.Services.AddSingleton<MenuReplicaMetrics>();
        // WatchOrder's feed: every committed change of an order's state, whichever instance made it (LISTEN/NOTIFY).
        builder.Services.AddSingleton<OrderChangeFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrderChangeFeed>());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(MenuReplicaMetrics.MeterName));
        builder.AddMessaging<OrderDbContext>("order", "OrderDb", messaging => messaging
            // The menu replica (publish/subscribe): queue order-service.restaurant-events.
            .Subscribe<RestaurantCreated, RestaurantCreatedHandler>("order")
            .Subscribe<RestaurantMenuRevised, RestaurantMenuRevisedHandler>("order")
            // The sagas this service orchestrates, each with its reply channel ({name}-saga-replies).
            .AddSaga<CreateOrderSaga, CreateOrderSagaData>()
            .AddSaga<CancelOrderSaga, CancelOrderSagaData>()
            .AddSaga<ReviseOrderSaga, ReviseOrderSagaData>());
        return builder;
    }
}
