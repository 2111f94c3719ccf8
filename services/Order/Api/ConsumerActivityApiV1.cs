using FoodOrdering.Contracts.Activity;
using FoodOrdering.Order.Application;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FoodOrdering.Order.Api;

/// <summary>
/// GET /v1/consumers/{consumerId}/activity: a consumer's orders, tickets and card authorizations, gathered
/// by publish/async responses (<see cref="ConsumerActivityService"/>). Served by the Order service because
/// it owns orders, the one thing that ties the three together (Kitchen knows tickets only by order id).
/// Always 200 within the time limit: a part that did not answer is null and named in "missing".
/// </summary>
public static class ConsumerActivityApiV1
{
    public static IEndpointRouteBuilder MapConsumerActivityApiV1(this IEndpointRouteBuilder app)
    {
        // A v1 resource of the versioned API: it belongs to the v1 OpenAPI document only.
        app.NewVersionedApi("ConsumerActivity").MapGroup("/v{version:apiVersion}/consumers").HasApiVersion(OrderApiVersions.V1)
            .WithTags("Consumer activity v1").AddEndpointFilter<OrderOwnerFilter>().ProducesProblem(StatusCodes.Status403Forbidden)
            .MapGet("/{consumerId}/activity", GetConsumerActivity).WithName("GetConsumerActivityV1").ProducesValidationProblem();
        return app;
    }

    public static async Task<Results<Ok<ConsumerActivityResponse>, ValidationProblem>> GetConsumerActivity(string consumerId, ConsumerActivityService activity,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(consumerId, out var id) || id <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["consumerId"] = ["A consumer id is a positive whole number."] },
                title: "The consumer id is not valid");
        }
        var gathered = await activity.GatherAsync(id, cancellationToken);
        return TypedResults.Ok(new ConsumerActivityResponse(id, gathered.Orders?.Orders, gathered.Tickets?.Tickets,
            gathered.Authorizations?.Authorizations, gathered.Missing));
    }
}

/// <summary>Each part as its service answered it, or null when it did not answer in time (and then named in <see cref="Missing"/>).</summary>
public sealed record ConsumerActivityResponse(long ConsumerId, IReadOnlyList<ConsumerOrder>? Orders, IReadOnlyList<ConsumerTicket>? Tickets,
    IReadOnlyList<ConsumerAuthorization>? Authorizations, IReadOnlyList<string> Missing);
