using FoodOrdering.Contracts.Activity;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Kitchen.Application;
using FoodOrdering.Kitchen.Messaging;
using FoodOrdering.Kitchen.Persistence;
using FoodOrdering.Messaging;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;

namespace FoodOrdering.Kitchen;

/// <summary>Everything the Kitchen service registers, in one place (Program.cs stays a few lines).</summary>
public static class KitchenServiceExtensions
{
    public static WebApplicationBuilder AddKitchenService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<KitchenDbContext>("KitchenDb");
        // gRPC (Grpc.AspNetCore) on its own HTTP/2-only port ("Grpc:Port", default 9082); REST stays on --urls.
        builder.AddGrpcServer(defaultPort: 9082);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<RestaurantService>();
        builder.Services.AddScoped<TicketService>();
        builder.Services.AddScoped<TicketSagaParticipant>();
        // The kitchen display's feed: every committed ticket change, whichever instance made it (LISTEN/NOTIFY).
        builder.Services.AddSingleton<TicketChangeFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TicketChangeFeed>());

        // The ticket commands arrive on a sharded channel keyed by order id: this instance consumes the
        // partitions k with k % Instance:Count == Instance:Index (default: instance 0 of 1, all of them). A
        // replica started with the same index is a hot standby. See docs/messaging.md, "Two Kitchen instances".
        var (index, count) = (builder.Configuration.GetValue("Instance:Index", 0), builder.Configuration.GetValue("Instance:Count", 1));
        if (count < 1 || index < 0 || index >= count)
        {
            throw new InvalidOperationException($"Instance:Index must be 0 to Instance:Count - 1; it is {index} of {count}.");
        }
        var shards = new ShardedChannel(index, count);
        builder.AddMessaging<KitchenDbContext>("kitchen", "KitchenDb", messaging => messaging
            .HandleSharded<CreateTicket, CreateTicketHandler>(shards)
            .HandleSharded<ConfirmCreateTicket, ConfirmCreateTicketHandler>(shards)
            .HandleSharded<CancelCreateTicket, CancelCreateTicketHandler>(shards)
            .HandleSharded<BeginCancelTicket, BeginCancelTicketHandler>(shards)
            .HandleSharded<ConfirmCancelTicket, ConfirmCancelTicketHandler>(shards)
            .HandleSharded<UndoBeginCancelTicket, UndoBeginCancelTicketHandler>(shards)
            .HandleSharded<BeginReviseTicket, BeginReviseTicketHandler>(shards)
            .HandleSharded<ConfirmReviseTicket, ConfirmReviseTicketHandler>(shards)
            .HandleSharded<UndoBeginReviseTicket, UndoBeginReviseTicketHandler>(shards)
            // Publish/async responses: the Kitchen part of a consumer's activity (queue kitchen-service.consumer-activity-queries).
            .Subscribe<GetConsumerActivity, ConsumerTicketsQueryHandler>("kitchen"));
        return builder;
    }
}
