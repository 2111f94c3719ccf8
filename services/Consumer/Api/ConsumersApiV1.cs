using FoodOrdering.Consumer.Domain;
using FoodOrdering.Consumer.Labs;
using FoodOrdering.Consumer.Messaging;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Labs;
using FoodOrdering.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;

namespace FoodOrdering.Consumer.Api;

/// <summary>REST v1 of the Consumer service (Richardson level 2: resources, verbs, status codes).</summary>
public static class ConsumersApiV1
{
    public static IEndpointRouteBuilder MapConsumersApiV1(this IEndpointRouteBuilder app)
    {
        var consumers = app.MapGroup("/v1/consumers").WithTags("Consumers v1");
        consumers.MapPost("/", CreateConsumer).WithName("CreateConsumerV1").ProducesValidationProblem();
        consumers.MapGet("/{consumerId:long}", GetConsumer).WithName("GetConsumerV1").ProducesProblem(StatusCodes.Status404NotFound);
        consumers.MapGet("/{consumerId:long}/notifications", GetNotifications).WithName("GetConsumerNotificationsV1")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<CreateConsumerResponse>, ValidationProblem, ProblemHttpResult>> CreateConsumer(
        CreateConsumerRequest request, ConsumerDbContext db, TransactionalOutbox outbox, [FromServices] DualWriteLab? lab,
        CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The consumer is not valid");
        }

        var consumer = ConsumerAggregate.Create(
            new PersonName(request.Name!.FirstName!.Trim(), request.Name.LastName!.Trim()),
            request.OrderLimit is null ? null : ParsedMoney(request.OrderLimit));

        if (lab?.Current is { IsOn: true } naive)
        {
            // Workshop lab 10 only (exists with FTGO_FAULTS_ENABLED, switched at /_admin/labs/dual-write): what NOT to do.
            return await NaiveDualWriteSignUp.SaveAndPublishAsync(consumer, naive.Mode, db, lab, cancellationToken) is { } failed
                ? failed
                : TypedResults.Created($"/v1/consumers/{consumer.Id}", new CreateConsumerResponse(consumer.Id));
        }

        // One local transaction: the consumer and its ConsumerCreated event commit together (transactional outbox).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Consumers.Add(consumer);
        await db.SaveChangesAsync(cancellationToken); // assigns the id the event carries
        outbox.Publish(ConsumerEvents.Created(consumer), aggregateId: consumer.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return TypedResults.Created($"/v1/consumers/{consumer.Id}", new CreateConsumerResponse(consumer.Id));
    }

    public static async Task<Results<Ok<ConsumerResponse>, ProblemHttpResult>> GetConsumer(
        long consumerId, ConsumerDbContext db, CancellationToken cancellationToken)
    {
        var consumer = await db.Consumers.FindAsync([consumerId], cancellationToken);
        return consumer is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Consumer not found", detail: $"There is no consumer {consumerId}.")
            : TypedResults.Ok(new ConsumerResponse(consumer.Id, new PersonNameDto(consumer.Name.FirstName, consumer.Name.LastName), consumer.OrderLimit));
    }

    /// <summary>The one-way notifications (NotifyConsumer) the consumer received, oldest first.</summary>
    public static async Task<Results<Ok<NotificationResponse[]>, ProblemHttpResult>> GetNotifications(
        long consumerId, ConsumerDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Consumers.FindAsync([consumerId], cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Consumer not found", detail: $"There is no consumer {consumerId}.");
        }
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.ConsumerId == consumerId).OrderBy(n => n.Id)
            .Select(n => new NotificationResponse(n.OrderId, n.Subject, n.Text, n.ReceivedAt))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(notifications);
    }

    private static Money ParsedMoney(string text) => Money.TryParse(text, out var money) ? money : throw new InvalidOperationException("Validated before.");
}

/// <summary>POST /v1/consumers body. Unknown fields are ignored; orderLimit is optional (robustness principle).</summary>
public sealed record CreateConsumerRequest(PersonNameDto? Name, string? OrderLimit)
{
    public const int MaxNameLength = 100;

    /// <summary>Field errors keyed by JSON path, as RFC 9457 validation problems list them.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Name is null)
        {
            errors["name"] = ["The name is required."];
        }
        else
        {
            RequireText(errors, "name.firstName", Name.FirstName);
            RequireText(errors, "name.lastName", Name.LastName);
        }

        if (OrderLimit is not null && !(Money.TryParse(OrderLimit, out var limit) && limit > Money.Zero))
        {
            errors["orderLimit"] = ["The order limit must be a positive decimal string with at most two fraction digits, e.g. \"500.00\"."];
        }
        return errors;
    }

    private static void RequireText(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["This field is required."];
        }
        else if (value.Trim().Length > MaxNameLength)
        {
            errors[field] = [$"At most {MaxNameLength} characters."];
        }
    }
}

public sealed record PersonNameDto(string? FirstName, string? LastName);

public sealed record CreateConsumerResponse(long ConsumerId);

public sealed record NotificationResponse(long OrderId, string Subject, string Text, DateTimeOffset ReceivedAt);

public sealed record ConsumerResponse(long ConsumerId, PersonNameDto Name, Money OrderLimit);
