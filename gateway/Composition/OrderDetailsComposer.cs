using System.Diagnostics;
using FoodOrdering.Grpc.Contracts.Order.V1;
using FoodOrdering.ServiceDefaults.Resilience;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace FoodOrdering.Gateway.Composition;

/// <summary>How long one composed view may take: <c>Gateway:Composition:Budget</c> (default 2 s), order and parts together.</summary>
public sealed class CompositionOptions
{
    public const string SectionName = "Gateway:Composition";

    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// API composition ("Microservices Patterns" 7.1) in the gateway: the order from the Order service first
/// (required: without it there is nothing to compose), then the consumer, the ticket and the authorization
/// from the Consumer, Kitchen and Accounting services in parallel, each through its service proxy. A part
/// that fails, is refused by its proxy (breaker open, too many outstanding calls) or is not there when the
/// budget runs out becomes null plus a <see cref="PartWarning"/>: a slow Kitchen costs the view its ticket,
/// never its availability. Every call carries the budget's deadline, so a downstream stops working on
/// a call the gateway no longer waits for, and a call that outlives it counts as a failure for the
/// downstream's breaker (DEADLINE_EXCEEDED).
/// </summary>
public sealed class OrderDetailsComposer(OrderServiceProxy orders, ConsumerServiceProxy consumers, KitchenServiceProxy kitchen,
    AccountingServiceProxy accounting, IOptions<CompositionOptions> options, ILogger<OrderDetailsComposer> logger)
{
    public const string ConsumerPart = "consumer";
    public const string TicketPart = "ticket";
    public const string AuthorizationPart = "authorization";

    public TimeSpan Budget => options.Value.Budget;

    /// <summary>The order, or null when the Order service has none; throws <see cref="PartUnavailableException"/> when it cannot say.</summary>
    public async Task<GetOrderResponse?> FindOrderAsync(long orderId, CompositionBudget budget, CancellationToken cancellationToken)
    {
        using var call = budget.Token(cancellationToken);
        try
        {
            return await orders.FindOrderAsync(orderId, budget.Deadline, call.Token);
        }
        catch (Exception e) when (WhyUnavailable(e, OrderServiceProxy.Downstream, budget, cancellationToken) is { } reason)
        {
            throw new PartUnavailableException(OrderServiceProxy.Downstream, reason, e);
        }
    }

    /// <summary>The view of <paramref name="order"/>: the other parts, asked in parallel within what is left of the budget.</summary>
    public async Task<OrderDetails> ComposeAsync(GetOrderResponse order, CompositionBudget budget, CancellationToken cancellationToken)
    {
        using var parts = budget.Token(cancellationToken);
        var consumer = PartAsync(ConsumerPart, ConsumerServiceProxy.Downstream, budget, cancellationToken,
            async () => await consumers.FindConsumerAsync(order.ConsumerId, budget.Deadline, parts.Token) is { } found
                ? ConsumerView.From(found)
                : throw new PartMissingException($"the Consumer service has no consumer {order.ConsumerId}"));
        var ticket = PartAsync(TicketPart, KitchenServiceProxy.Downstream, budget, cancellationToken,
            async () => !order.HasTicketId
                ? throw new PartMissingException($"the order has no ticket yet (it is {order.State})")
                : await kitchen.FindTicketAsync(order.TicketId, budget.Deadline, parts.Token) is { } found
                    ? TicketView.From(found)
                    : throw new PartMissingException($"the Kitchen service has no ticket {order.TicketId}"));
        var authorization = PartAsync(AuthorizationPart, AccountingServiceProxy.Downstream, budget, cancellationToken,
            async () => await accounting.FindAuthorizationAsync(order.OrderId, budget.Deadline, parts.Token) is { } found
                ? AuthorizationView.From(found)
                : throw new PartMissingException($"the Accounting service has no authorization for order {order.OrderId} (yet)"));
        await Task.WhenAll(consumer, ticket, authorization);

        var (consumerView, ticketView, authorizationView) = (consumer.Result, ticket.Result, authorization.Result);
        List<PartWarning> warnings = [.. new[] { consumerView.Warning, ticketView.Warning, authorizationView.Warning }.OfType<PartWarning>()];
        return new OrderDetails(OrderView.From(order), consumerView.Value, ticketView.Value, authorizationView.Value, warnings);
    }

    private async Task<(T? Value, PartWarning? Warning)> PartAsync<T>(string part, string downstream, CompositionBudget budget,
        CancellationToken requestAborted, Func<Task<T>> fetch)
        where T : class
    {
        try
        {
            return (await fetch(), null);
        }
        catch (PartMissingException e)
        {
            return (null, new PartWarning(part, e.Message));
        }
        catch (Exception e) when (WhyUnavailable(e, downstream, budget, requestAborted) is { } reason)
        {
            logger.LogInformation("Order details composed without the {Part}: {Reason}", part, reason);
            return (null, new PartWarning(part, reason));
        }
    }

    /// <summary>Why <paramref name="downstream"/> could not answer, or null when the exception is not about that (the client gave up: nobody to answer).</summary>
    private static string? WhyUnavailable(Exception exception, string downstream, CompositionBudget budget, CancellationToken requestAborted) => exception switch
    {
        _ when requestAborted.IsCancellationRequested => null,
        BrokenCircuitException => $"the {downstream} service's circuit breaker is open: calls fail fast until a probe call succeeds",
        ExecutionRejectedException => $"too many calls to the {downstream} service are outstanding",
        RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled } or OperationCanceledException =>
            $"the {downstream} service did not answer within the budget of {budget.Budget.TotalMilliseconds:0} ms",
        RpcException e => $"the {downstream} service failed: {DownstreamFailures.Describe(e)}",
        _ => null,
    };

    /// <summary>A part that is not there for a reason that is not a failure (not found, no ticket yet).</summary>
    private sealed class PartMissingException(string reason) : Exception(reason);
}

/// <summary>
/// The time one composition may take, started when the request arrived: a gRPC deadline for every call
/// (the downstream is told, and gives up too) and a cancellation at the same moment, so that the gateway
/// answers in time even when a call is stuck before its deadline can act (a connection attempt, say).
/// </summary>
public sealed class CompositionBudget(TimeSpan budget)
{
    private readonly Stopwatch elapsed = Stopwatch.StartNew();

    public TimeSpan Budget { get; } = budget;

    public DateTime Deadline { get; } = DateTime.UtcNow + budget;

    public CancellationTokenSource Token(CancellationToken requestAborted)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        source.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (Budget - elapsed.Elapsed).Ticks)));
        return source;
    }
}

/// <summary>The order itself could not be had (its service is down, too slow, or its breaker is open): 503.</summary>
public sealed class PartUnavailableException(string downstream, string reason, Exception inner)
    : Exception($"The {downstream} service is unavailable: {reason}.", inner)
{
    public string Downstream { get; } = downstream;
    public string Reason { get; } = reason;
}
