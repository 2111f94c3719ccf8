using FoodOrdering.Grpc.Contracts.Common.V1;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Grpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// A real gRPC server for ftgo.consumer.v1.ConsumerService on a free loopback port, hosted as our services
/// are (Kestrel, HTTP/2 only, AddGrpcServer), that knows one consumer. The test stops it to play a
/// Consumer service that is down: the Order service's calls then really fail to connect.
/// </summary>
public sealed class ConsumerGrpcStub : IAsyncDisposable
{
    public const long KnownConsumerId = 80;

    private readonly WebApplication app;
    private bool stopped;

    private ConsumerGrpcStub(WebApplication app, int port)
    {
        this.app = app;
        Address = $"http://127.0.0.1:{port}";
    }

    public string Address { get; }

    public static async Task<ConsumerGrpcStub> StartAsync()
    {
        var port = Network.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = $"http://127.0.0.1:{Network.FreePort()}";
        builder.Logging.ClearProviders();
        builder.AddGrpcServer(defaultPort: port);
        var app = builder.Build();
        app.MapGrpcService<KnownConsumer>();
        await app.StartAsync();
        return new ConsumerGrpcStub(app, port);
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
    }

    private sealed class KnownConsumer : ConsumerService.ConsumerServiceBase
    {
        public override Task<GetConsumerResponse> GetConsumer(GetConsumerRequest request, ServerCallContext context) =>
            request.ConsumerId == KnownConsumerId
                ? Task.FromResult(new GetConsumerResponse
                {
                    ConsumerId = KnownConsumerId,
                    Name = new PersonName { FirstName = "Ada", LastName = "Lovelace" },
                    OrderLimit = new Money { Amount = "500.00" },
                })
                : throw new RpcException(new Status(StatusCode.NotFound, $"There is no consumer {request.ConsumerId}."));

        public override Task<ValidateOrderByConsumerResponse> ValidateOrderByConsumer(ValidateOrderByConsumerRequest request, ServerCallContext context) =>
            request.ConsumerId != KnownConsumerId ? throw new RpcException(new Status(StatusCode.NotFound, $"There is no consumer {request.ConsumerId}."))
            : decimal.Parse(request.OrderTotal.Amount, System.Globalization.CultureInfo.InvariantCulture) > 500m
                ? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Order total {request.OrderTotal.Amount} exceeds the order limit 500.00 of consumer {KnownConsumerId}."))
                : Task.FromResult(new ValidateOrderByConsumerResponse());
    }
}

/// <summary>The Order service with its "consumer" service proxy pointed at a <see cref="ConsumerGrpcStub"/>; the breaker opens after 4 calls.</summary>
public class OrderServiceWithConsumerFactory : OrderServiceFactory
{
    public ConsumerGrpcStub Consumer { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Consumer = await ConsumerGrpcStub.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Downstreams:consumer:GrpcAddress", Consumer.Address);
        builder.UseSetting("Downstreams:consumer:CircuitBreaker:MinimumThroughput", "4");
        builder.UseSetting("Downstreams:consumer:CircuitBreaker:SamplingDuration", "00:01:00");
        builder.UseSetting("Downstreams:consumer:CircuitBreaker:BreakDuration", "00:05:00");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Consumer is not null)
        {
            await Consumer.DisposeAsync();
        }
    }
}

/// <summary>The same, with the lab switch Order:Validation=Synchronous on.</summary>
public sealed class SynchronousValidationFactory : OrderServiceWithConsumerFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Order:Validation", "Synchronous");
    }
}
