using FoodOrdering.Domain;
using FoodOrdering.Order.Proxies;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

/// <summary>What <c>?expand=</c> adds to an order: the related resources (<c>_embedded</c>) and why a part is missing.</summary>
public sealed record Expansion(Embedded Embedded, IReadOnlyList<PartWarning>? Warnings);

/// <summary>The related resources embedded in an order. <c>consumer</c> is null when it could not be fetched (see the warnings).</summary>
public sealed record Embedded(ConsumerRepresentation? Consumer);

public sealed record ConsumerName(string FirstName, string LastName);

/// <summary>The consumer as the Consumer service's REST v1 shows it.</summary>
public sealed record ConsumerRepresentation(long ConsumerId, ConsumerName Name, Money OrderLimit);

/// <summary>A part of the answer that is missing, problem-style (RFC 9457 members): which part, and why.</summary>
public sealed record PartWarning(string Type, string Title, string Detail, string Part);

/// <summary>
/// <c>GET /v1/orders/{orderId}?expand=consumer</c>: one round trip for the client instead of two (the
/// chapter's API composition in the service). The consumer comes from the Consumer service over gRPC
/// through <see cref="ConsumerServiceProxy"/>; when that fails (down, too slow, breaker open) the order is
/// still answered, quickly, with <c>"consumer": null</c> and a warning: the fallback keeps the order
/// available even though a part of it is not.
/// </summary>
public sealed class OrderExpansion(ConsumerServiceProxy consumers, ILogger<OrderExpansion> logger)
{
    public const string Consumer = "consumer";
    public static readonly IReadOnlyList<string> Supported = [Consumer];

    public const string PartUnavailable = "urn:ftgo:problem:part-unavailable";

    /// <summary>The names in <c>?expand=a,b</c> the API does not know (a client error: 400).</summary>
    public static IReadOnlyList<string> Unknown(string expand) => [.. Names(expand).Where(n => !Supported.Contains(n))];

    public async Task<Expansion?> ExpandAsync(OrderAggregate order, string? expand, CancellationToken cancellationToken)
    {
        if (expand is null || !Names(expand).Contains(Consumer))
        {
            return null;
        }
        try
        {
            var consumer = await consumers.FindConsumerAsync(order.ConsumerId, cancellationToken);
            return consumer is null
                ? new Expansion(new Embedded(null), [new PartWarning(PartUnavailable, "The consumer is not embedded", $"The Consumer service has no consumer {order.ConsumerId}.", Consumer)])
                : new Expansion(new Embedded(new ConsumerRepresentation(consumer.ConsumerId, new ConsumerName(consumer.FirstName, consumer.LastName), consumer.OrderLimit)), null);
        }
        catch (ServiceUnavailableException e)
        {
            logger.LogInformation("Order {OrderId} answered without its consumer: {Reason}", order.Id, e.Message);
            return new Expansion(new Embedded(null), [new PartWarning(PartUnavailable, "The consumer is not embedded", e.Message, Consumer)]);
        }
    }

    private static IEnumerable<string> Names(string expand) =>
        expand.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
