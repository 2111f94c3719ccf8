using FoodOrdering.Grpc.Contracts.Common.V1;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults.Grpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// A real gRPC server for one service (<see cref="ConsumerGrpcStub"/>, <see cref="KitchenGrpcStub"/>) on a free
/// loopback port, hosted as our services are (Kestrel, HTTP/2 only, AddGrpcServer). The test stops it to play
/// a service that is down: the Order service's calls then really fail to connect.
/// </summary>
public sealed class GrpcStub : IAsyncDisposable
{
    private readonly WebApplication app;
    private bool stopped;

    private GrpcStub(WebApplication app, int port)
    {
        this.app = app;
        Address = $"http://127.0.0.1:{port}";
    }

    public string Address { get; }

    public static async Task<GrpcStub> StartAsync<TService>()
        where TService : class
    {
        var port = Network.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = $"http://127.0.0.1:{Network.FreePort()}";
        builder.Logging.ClearProviders();
        builder.AddGrpcServer(defaultPort: port);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        return new GrpcStub(app, port);
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
}

/// <summary>ftgo.consumer.v1.ConsumerService that knows one consumer (Ada, order limit 500.00).</summary>
public sealed class ConsumerGrpcStub : ConsumerService.ConsumerServiceBase
{
    public const long KnownConsumerId = 80;

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

/// <summary>
/// ftgo.kitchen.v1.KitchenService that knows restaurant <see cref="OrderServiceFactory.RestaurantId"/> with
/// Chicken Vindaloo (item "1") only: the Garlic Naan (item "2") that the Order service's menu replica still
/// lists has left the menu in the Kitchen service.
/// </summary>
public sealed class KitchenGrpcStub : KitchenService.KitchenServiceBase
{
    public const string WithdrawnMenuItemId = "2";

    public override Task<GetRestaurantResponse> GetRestaurant(GetRestaurantRequest request, ServerCallContext context) =>
        request.RestaurantId == OrderServiceFactory.RestaurantId
            ? Task.FromResult(new GetRestaurantResponse
            {
                RestaurantId = request.RestaurantId,
                Name = $"Restaurant {request.RestaurantId}",
                MenuItems = { new MenuItem { MenuItemId = "1", Name = "Chicken Vindaloo", Price = new Money { Amount = OrderServiceFactory.VindalooPrice } } },
            })
            : throw new RpcException(new Status(StatusCode.NotFound, $"There is no restaurant {request.RestaurantId}."));
}

/// <summary>The Order service with its "consumer" service proxy pointed at a <see cref="ConsumerGrpcStub"/>; the breaker opens after 4 calls.</summary>
public class OrderServiceWithConsumerFactory : OrderServiceFactory
{
    public GrpcStub Consumer { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Consumer = await GrpcStub.StartAsync<ConsumerGrpcStub>();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ConfigureDownstream(builder, "consumer", Consumer);
    }

    /// <summary>A downstream's service proxy pointed at a stub; its breaker opens after 4 calls, and stays open for the test.</summary>
    protected static void ConfigureDownstream(IWebHostBuilder builder, string downstream, GrpcStub stub)
    {
        builder.UseSetting($"Downstreams:{downstream}:GrpcAddress", stub.Address);
        builder.UseSetting($"Downstreams:{downstream}:CircuitBreaker:MinimumThroughput", "4");
        builder.UseSetting($"Downstreams:{downstream}:CircuitBreaker:SamplingDuration", "00:01:00");
        builder.UseSetting($"Downstreams:{downstream}:CircuitBreaker:BreakDuration", "00:05:00");
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

/// <summary>The same, with a <see cref="KitchenGrpcStub"/> too, and the lab switch Order:Validation=Synchronous on.</summary>
public sealed class SynchronousValidationFactory : OrderServiceWithConsumerFactory
{
    public GrpcStub Kitchen { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Kitchen = await GrpcStub.StartAsync<KitchenGrpcStub>();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ConfigureDownstream(builder, "kitchen", Kitchen);
        builder.UseSetting("Order:Validation", "Synchronous");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Kitchen is not null)
        {
            await Kitchen.DisposeAsync();
        }
    }
}
