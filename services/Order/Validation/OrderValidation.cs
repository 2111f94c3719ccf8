using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Order.Proxies;
using FoodOrdering.ServiceDefaults.Resilience;
using Microsoft.Extensions.Options;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Validation;

/// <summary>What POST /v{1,2}/orders checks before it answers (OrderService.CreateAsync calls it once the order is priced).</summary>
public interface IOrderValidation
{
    /// <summary>Returns when the order may be accepted; throws <see cref="OrderRefusedException"/> (REST 422) or <see cref="ServiceUnavailableException"/> (503).</summary>
    Task ValidateAsync(OrderAggregate order, CancellationToken cancellationToken);
}

/// <summary>The default: nothing before answering. CreateOrderSaga validates later, over messaging ("respond first").</summary>
public sealed class AsynchronousOrderValidation : IOrderValidation
{
    public static readonly AsynchronousOrderValidation Instance = new();

    public Task ValidateAsync(OrderAggregate order, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>How POST /v1/orders validates an order (configuration section <c>Order</c>).</summary>
public sealed class OrderOptions
{
    public const string SectionName = "Order";

    /// <summary>Asynchronous (the default): respond first, CreateOrderSaga validates later.</summary>
    public OrderValidation Validation { get; set; } = OrderValidation.Asynchronous;
}

public enum OrderValidation
{
    Asynchronous,

    /// <summary>A lab switch: consumer, restaurant and menu items are checked by synchronous gRPC calls before the order is accepted (<see cref="SynchronousOrderValidation"/>).</summary>
    Synchronous,
}

/// <summary>A synchronous validation said no (REST 422).</summary>
public sealed class OrderRefusedException(string reason) : DomainException($"The order is refused: {reason}");

public static class OrderValidationExtensions
{
    /// <summary>
    /// <see cref="IOrderValidation"/> by <c>Order:Validation</c>. Only in the synchronous mode are the Consumer and
    /// Kitchen proxies ever resolved (and their addresses needed): the default mode depends on no other service.
    /// </summary>
    public static WebApplicationBuilder AddOrderValidation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.SectionName);
        builder.AddGrpcServiceProxy<KitchenService.KitchenServiceClient>(KitchenServiceProxy.Downstream);
        builder.Services.AddScoped<KitchenServiceProxy>();
        builder.Services.AddScoped<SynchronousOrderValidation>();
        builder.Services.AddScoped<IOrderValidation>(services =>
            services.GetRequiredService<IOptions<OrderOptions>>().Value.Validation == OrderValidation.Synchronous
                ? services.GetRequiredService<SynchronousOrderValidation>()
                : AsynchronousOrderValidation.Instance);
        return builder;
    }
}
