using FoodOrdering.Consumer.Messaging;
using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Messaging.Labs;
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
    public static async Task SaveAndPublishAsync(ConsumerAggregate consumer, DualWriteMode mode, ConsumerDbContext db, DualWriteLab lab,
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
            return;
        }

        // PublishThenCommit: the id exists once the INSERT ran inside the transaction; publish, then commit.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Consumers.Add(consumer);
        await db.SaveChangesAsync(cancellationToken);
        await lab.PublishAsync(ConsumerEvents.Created(consumer), consumer.Id.ToString(), cancellationToken); // subscribers have it now
        await DualWriteLab.RefuseCommitAsync(db, cancellationToken); // the lab's stand-in for a deferred constraint, a crash, a lost connection
        logger.LogWarning("Dual write: ConsumerCreated for consumer {ConsumerId} is published; committing now, which the database will refuse", consumer.Id);
        await transaction.CommitAsync(cancellationToken); // throws: rolled back, the consumer never existed, its event is out (a ghost)
    }
}
