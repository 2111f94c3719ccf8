using System.Diagnostics.Metrics;

namespace FoodOrdering.Messaging;

/// <summary>
/// The messaging building block's own metrics, on the meter <see cref="MeterName"/> (exported with the
/// others by OpenTelemetry). Counters per handler and for the relay; gauges of the outbox, read from the
/// table by <see cref="OutboxMonitor"/>: what an operator watches to see that nothing is stuck.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "FoodOrdering.Messaging";

    public MessagingMetrics(IMeterFactory meterFactory, OutboxMonitor monitor)
    {
        Meter = meterFactory.Create(MeterName);
        Published = Meter.CreateCounter<long>("ftgo.relay.published", "{message}", "Outbox rows the broker confirmed.");
        Unpublishable = Meter.CreateCounter<long>("ftgo.relay.failed", "{message}",
            "Outbox rows that can never be published, moved aside with the reason (outbox.failed_at).");
        InFlight = Meter.CreateUpDownCounter<long>("ftgo.relay.in_flight", "{message}", "Publishes waiting for the broker's confirm.");
        Held = Meter.CreateCounter<long>("ftgo.relay.held", "{message}",
            "Publishes left for later because no queue receives their channel yet (retried with back-off).");
        Handled = Meter.CreateCounter<long>("ftgo.messages.handled", "{message}", "Messages a handler processed and committed.");
        Failed = Meter.CreateCounter<long>("ftgo.messages.failed", "{attempt}", "Handler attempts that threw (retried, or moved to the error queue).");
        Duplicates = Meter.CreateCounter<long>("ftgo.messages.duplicates", "{message}", "Redelivered messages the inbox recognised and skipped.");
        SagaRepliesIgnored = Meter.CreateCounter<long>("ftgo.saga.replies.ignored", "{message}",
            "Saga replies that moved no saga (tags saga, reason): a late duplicate is harmless; 'not awaited' on a running saga may leave it stuck.");
        Meter.CreateObservableGauge("ftgo.outbox.backlog", () => monitor.Latest.Unsent, "{message}", "Outbox rows waiting to be published.");
        Meter.CreateObservableGauge("ftgo.outbox.oldest_unsent_age", () => monitor.Latest.OldestUnsentAge.TotalSeconds, "s",
            "How long the oldest unsent outbox row has waited.");
        Meter.CreateObservableGauge("ftgo.outbox.failed", () => monitor.Latest.Failed, "{message}", "Outbox rows marked failed (need an operator).");
    }

    public Meter Meter { get; }
    public Counter<long> Published { get; }
    public Counter<long> Unpublishable { get; }
    public UpDownCounter<long> InFlight { get; }
    public Counter<long> Held { get; }
    public Counter<long> Handled { get; }
    public Counter<long> Failed { get; }
    public Counter<long> Duplicates { get; }
    public Counter<long> SagaRepliesIgnored { get; }

    public static KeyValuePair<string, object?> HandlerTag(string handler) => new("handler", handler);

    public static KeyValuePair<string, object?> ChannelTag(string channel) => new("channel", channel);
}
