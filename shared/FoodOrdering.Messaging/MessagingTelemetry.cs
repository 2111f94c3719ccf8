using System.Diagnostics;

namespace FoodOrdering.Messaging;

/// <summary>
/// One trace across the outbox. The request (or handler) that writes an outbox row stores its W3C trace
/// context in the row's headers; the relay's publish is a child of it, in whatever process and however
/// much later it runs; the publish's context travels in the message (<c>traceparent</c>, and
/// <c>MT-Activity-Id</c>, which MassTransit reads), so the receiving handler continues the same trace.
/// </summary>
public static class MessagingTelemetry
{
    public const string SourceName = "FoodOrdering.Messaging";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The header MassTransit takes a received message's parent activity from.</summary>
    public const string MassTransitActivityId = "MT-Activity-Id";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current trace context, to store with an outbox row (nothing if there is none).</summary>
    public static void Capture(IDictionary<string, string> headers)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            headers[TraceParent] = current.Id!;
            if (current.TraceStateString is { Length: > 0 } state)
            {
                headers[TraceState] = state;
            }
        }
    }

    /// <summary>
    /// Starts the relay's publish span as a child of the context stored with the row, and points the
    /// message's headers at it. Without a listener there is no span: the stored context then travels on.
    /// </summary>
    public static Activity? StartPublish(string channel, Guid messageId, Guid correlationId, Dictionary<string, object?> headers)
    {
        var stored = headers.GetValueOrDefault(TraceParent) as string;
        ActivityContext.TryParse(stored, headers.GetValueOrDefault(TraceState) as string, isRemote: true, out var parent);
        var activity = Source.StartActivity($"{channel} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.operation", "publish");
        activity?.SetTag("messaging.destination.name", channel);
        activity?.SetTag("messaging.message.id", messageId.ToString());
        activity?.SetTag("messaging.message.conversation_id", correlationId.ToString());
        if ((activity?.Id ?? stored) is { } context)
        {
            headers[TraceParent] = context;
            headers[MassTransitActivityId] = context;
        }
        return activity;
    }
}
