using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Messaging;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;

namespace FoodOrdering.Consumer;

/// <summary>Everything the Consumer service registers, in one place (Program.cs stays a few lines).</summary>
public static class ConsumerServiceExtensions
{
    public static WebApplicationBuilder AddConsumerService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ConsumerDbContext>("ConsumerDb");
        // gRPC (Grpc.AspNetCore) on its own HTTP/2-only port ("Grpc:Port", default 9081); REST stays on --urls.
        builder.AddGrpcServer(defaultPort: 9081);
        // Events leave through the outbox; the message relay (Messaging:Relay) publishes them to RabbitMQ.
        builder.AddMessaging<ConsumerDbContext>("consumer", "ConsumerDb");
        return builder;
    }
}
