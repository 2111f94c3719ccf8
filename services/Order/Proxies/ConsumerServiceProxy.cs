using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using Grpc.Core;

namespace FoodOrdering.Order.Proxies;

/// <summary>
/// The book's ConsumerServiceProxy: the Order service's one place that calls the Consumer service
/// synchronously (ftgo.consumer.v1.ConsumerService over gRPC). The generated client it wraps runs through
/// the "consumer" service proxy (<c>AddGrpcServiceProxy</c>: deadline, outstanding-request limit, circuit
/// breaker); this class decides what its failures mean for the Order service: NOT_FOUND is an answer,
/// anything that says the Consumer service could not answer becomes <see cref="ServiceUnavailableException"/>,
/// which the caller recovers from (a fallback) or reports (503).
/// </summary>
public sealed class ConsumerServiceProxy(ConsumerService.ConsumerServiceClient client)
{
    public const string Downstream = "consumer";

    /// <summary>The consumer, or null when the Consumer service says there is none.</summary>
    public async Task<ConsumerDetails?> FindConsumerAsync(long consumerId, CancellationToken cancellationToken)
    {
        try
        {
            var consumer = await client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerId }, cancellationToken: cancellationToken);
            return new ConsumerDetails(consumer.ConsumerId, consumer.Name.FirstName, consumer.Name.LastName,
                Money.TryParse(consumer.OrderLimit?.Amount, out var limit) ? limit : Money.Zero);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (ServiceUnavailableException.ReasonFor(e) is { } reason)
        {
            throw new ServiceUnavailableException(Downstream, reason, e);
        }
    }

    /// <summary>
    /// The consumer's verdict on an order of <paramref name="orderTotal"/>: null when they may place it, else
    /// why not (over the order limit, no such consumer). The same check as the saga's ValidateOrderByConsumer
    /// command, asked synchronously (the lab switch Order:Validation=Synchronous).
    /// </summary>
    public async Task<string?> ValidateOrderByConsumerAsync(long consumerId, Money orderTotal, CancellationToken cancellationToken)
    {
        try
        {
            await client.ValidateOrderByConsumerAsync(new ValidateOrderByConsumerRequest
            {
                ConsumerId = consumerId,
                OrderTotal = new FoodOrdering.Grpc.Contracts.Common.V1.Money { Amount = orderTotal.ToString() },
            }, cancellationToken: cancellationToken);
            return null;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
        {
            return e.Status.Detail;
        }
        catch (Exception e) when (ServiceUnavailableException.ReasonFor(e) is { } reason)
        {
            throw new ServiceUnavailableException(Downstream, reason, e);
        }
    }
}

/// <summary>A consumer as the Consumer service describes it.</summary>
public sealed record ConsumerDetails(long ConsumerId, string FirstName, string LastName, Money OrderLimit);
