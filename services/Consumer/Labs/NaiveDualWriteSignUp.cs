using System.Data.Common;
using FoodOrdering.Consumer.Messaging;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Messaging.Labs;
using Microsoft.AspNetCore.Http.HttpResults;
using ConsumerAggregate = FoodOrdering.Consumer.Domain.Consumer;

namespace FoodOrdering.Consumer.Labs;

/// <summary>
/// LAB ONLY (workshop lab 10): the sign-up as a naive service writes it, a dual write, run instead of the
/// transactional outbox while the dual-write lab is switched on (<see cref="DualWriteLab"/>, which exists
/// only with fault injection on). Compare it with ConsumersApiV1.CreateConsumer: the same consumer and the
/// same ConsumerCreated, but two writes where the outbox has one transaction, and each order of the two
/// fails in its own way.
/// </summary>
public static class NaiveDualWriteSignUp
{
    /// <summary>Saves the consumer and publishes its ConsumerCreated as <paramref name="mode"/> says; null when the sign-up succeeded, else why not.</summary>
    public static async Task<ProblemHttpResult?> SaveAndPublishAsync(ConsumerAggregate consumer, DualWriteMode mode, ConsumerDbContext db, DualWriteLab lab,
        CancellationToken cancellationToken)
    {
        var logger = lab.Logger;
        if (mode == DualWriteMode.CommitThenPublish)
        {
            db.Consumers.Add(consumer);
            await db.SaveChangesAsync(cancellationToken); // committed: the consumer exists, and no outbox row remembers the event
            try
            {
                await lab.PublishAsync(ConsumerEvents.Created(consumer), consumer.Id.ToString(), cancellationToken);
            }
            catch (DualWritePublishException e)
            {
                // The bug: nothing can publish it later, and the sign-up still answers 201 (failing it now would
                // not help either: the consumer is committed, and the client's retry would create a second one).
                logger.LogError(e, "Dual write: consumer {ConsumerId} is committed but its ConsumerCreated was NOT published; the event is lost", consumer.Id);
            }
            return null;
        }

        // PublishThenCommit: the id exists once the INSERT ran inside the transaction; publish, then commit.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Consumers.Add(consumer);
        await db.SaveChangesAsync(cancellationToken);
        await lab.PublishAsync(ConsumerEvents.Created(consumer), consumer.Id.ToString(), cancellationToken); // subscribers have it now
        await DualWriteLab.RefuseCommitAsync(db, cancellationToken); // the lab's stand-in for a deferred constraint, a crash, a lost connection
        logger.LogWarning("Dual write: ConsumerCreated for consumer {ConsumerId} is published; committing now, which the database will refuse", consumer.Id);
        try
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }
        catch (DbException e)
        {
            // Rolled back: the consumer never existed, and its event is out for good (a ghost).
            logger.LogError(e, "Dual write: the commit of consumer {ConsumerId} failed after its ConsumerCreated was published; subscribers act on a consumer that does not exist",
                consumer.Id);
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The sign-up failed",
                detail: $"Consumer {consumer.Id} was not saved: the database refused the commit.");
        }
    }
}
