using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.Order.Proxies;
using FoodOrdering.ServiceDefaults.Resilience;
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
    /// <see cref="IOrderValidation"/> by <c>Order:Validation</c>, read once at start-up. Only the synchronous mode
    /// registers the Kitchen proxy (and its circuit breaker) and ever calls the Consumer proxy: the default mode
    /// depends on no other service, and its breaker list shows no Kitchen it never calls.
    /// </summary>
    public static WebApplicationBuilder AddOrderValidation(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrderOptions.SectionName).Get<OrderOptions>() ?? new OrderOptions();
        if (options.Validation != OrderValidation.Synchronous)
        {
            builder.Services.AddSingleton<IOrderValidation>(AsynchronousOrderValidation.Instance);
            return builder;
        }
        builder.AddGrpcServiceProxy<KitchenService.KitchenServiceClient>(KitchenServiceProxy.Downstream);
        builder.Services.AddScoped<KitchenServiceProxy>();
        builder.Services.AddScoped<IOrderValidation, SynchronousOrderValidation>();
        return builder;
    }
}
