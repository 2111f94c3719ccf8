using FoodOrdering.Consumer.Messaging;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Messaging;
using FoodOrdering.Messaging.Labs;
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
        // Events and replies leave through the outbox; the message relay (Messaging:Relay) publishes them to
        // RabbitMQ. One command channel, consumer-service-commands, carries both styles of chapter 3: a
        // request/response command (ValidateOrderByConsumer) and a one-way notification (NotifyConsumer).
        builder.AddMessaging<ConsumerDbContext>("consumer", "ConsumerDb", messaging => messaging
            .Handle<ValidateOrderByConsumer, ValidateOrderByConsumerHandler>()
            .Handle<NotifyConsumer, NotifyConsumerHandler>());
        // Workshop lab 10 only, with fault injection on: /_admin/labs/dual-write switches sign-ups to a naive dual write.
        builder.AddDualWriteLab();
        return builder;
    }
}
