using System.Globalization;

namespace FoodOrdering.Grpc.Protocol;

/// <summary>
/// The <c>grpc-timeout</c> header: at most 8 digits and a unit (H hours, M minutes, S seconds,
/// m milliseconds, u microseconds, n nanoseconds), e.g. "250m". A deadline travels as a timeout
/// because the two machines' clocks need not agree.
/// </summary>
public static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    private static readonly (char Unit, long TicksPerUnit)[] Units =
    [
        ('n', 0), // finer than a tick (100 ns): only ever parsed
        ('u', TimeSpan.TicksPerMicrosecond),
        ('m', TimeSpan.TicksPerMillisecond),
        ('S', TimeSpan.TicksPerSecond),
        ('M', TimeSpan.TicksPerMinute),
        ('H', TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string? text, out TimeSpan timeout)
    {
        timeout = TimeSpan.Zero;
        if (text is null || text.Length is < 2 or > 9
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        var unit = text[^1];
        if (unit == 'n')
        {
            timeout = TimeSpan.FromTicks(value / 100);
            return true;
        }
        foreach (var (name, ticksPerUnit) in Units)
        {
            if (name == unit)
            {
                timeout = TimeSpan.FromTicks(value * ticksPerUnit); // even 99,999,999 hours fits
                return true;
            }
        }
        return false;
    }

    /// <summary>The finest unit whose value fits in 8 digits, rounded up so the peer never gets less time.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 1);
        foreach (var (unit, ticksPerUnit) in Units.Skip(1))
        {
            var value = (ticks + ticksPerUnit - 1) / ticksPerUnit;
            if (value <= MaxValue)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
