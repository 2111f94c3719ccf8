using System.Globalization;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// Idempotent consumer (chapter 3, "handling duplicate messages": track messages and discard duplicates).
/// The MassTransit adapter around a business <see cref="IMessageHandler{TMessage}"/>. In ONE database
/// transaction it records (handler name, message id) in processed_messages, runs the handler, and saves
/// the handler's business rows and outbox rows. A redelivered message finds its row already there: it is
/// acknowledged and skipped. A handler that throws rolls all of it back; then the retry policy of
/// <see cref="MessagingBuilder"/> decides: wait and retry (a transient failure), or a few retries and the
/// queue's _error queue with the exception as the reason.
/// </summary>
public sealed class IdempotentConsumer<TMessage, THandler>(THandler handler, DbContext db, MessagingMetrics metrics,
    ILogger<IdempotentConsumer<TMessage, THandler>> logger)
    : IConsumer<TMessage>
    where TMessage : class
    where THandler : IMessageHandler<TMessage>
{
    private static readonly KeyValuePair<string, object?> HandlerTag = MessagingMetrics.HandlerTag(THandler.Name);

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var message = ReadHeaders(context);
        var cancellationToken = context.CancellationToken;
        db.ChangeTracker.Clear(); // a retry starts from the database, not from the failed attempt's entities
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var firstTime = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO processed_messages (handler, message_id) VALUES ({THandler.Name}, {message.MessageId}) ON CONFLICT DO NOTHING",
                cancellationToken) == 1;
            if (!firstTime)
            {
                logger.LogInformation("Duplicate message {MessageId} ({MessageType}) skipped by {Handler}", message.MessageId, message.MessageType, THandler.Name);
                metrics.Duplicates.Add(1, HandlerTag);
                return;
            }

            await handler.HandleAsync(message, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            metrics.Handled.Add(1, HandlerTag);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.Failed.Add(1, HandlerTag, new KeyValuePair<string, object?>("transient", TransientFailures.IsTransient(e)));
            throw;
        }
    }

    internal static IncomingMessage<TMessage> ReadHeaders(ConsumeContext<TMessage> context) => new(
        context.Message,
        context.MessageId ?? throw new InvalidOperationException("A message without a message id cannot be deduplicated."),
        context.CorrelationId ?? Guid.Empty,
        context.Headers.Get<string>(MessageHeaders.MessageType) ?? typeof(TMessage).Name,
        context.Headers.Get<int>(MessageHeaders.SchemaVersion) ?? 1,
        context.Headers.Get<string>(MessageHeaders.MessageKey) ?? "",
        context.Headers.Get<string>(MessageHeaders.ReplyChannel))
    {
        SentAt = DateTimeOffset.TryParse(context.Headers.Get<string>(MessageHeaders.CreatedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind,
            out var sentAt) ? sentAt : null,
    };
}
