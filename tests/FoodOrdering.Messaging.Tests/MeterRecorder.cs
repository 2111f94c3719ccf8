using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FoodOrdering.Messaging.Tests;

/// <summary>Adds up what the counters of one <see cref="Meter"/> (one host's) record: a test reads the metrics an operator would.</summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> totals = new();

    public MeterRecorder(Meter meter)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        listener.Start();
    }

    public long Total(string instrument) => totals.GetValueOrDefault(instrument);

    public void Dispose() => listener.Dispose();
}
