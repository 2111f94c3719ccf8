using FoodOrdering.Domain;

namespace FoodOrdering.ServiceDefaults.Faults;

/// <summary>
/// What a service is told to do wrong, on purpose, to calls it receives (the body of
/// <c>POST /_admin/faults</c>, e.g. <c>{"latencyMs":500,"errorRatio":0.5,"scope":"grpc"}</c>):
/// wait <paramref name="LatencyMs"/> before handling each call, then fail a share
/// <paramref name="ErrorRatio"/> of them (0 none, 1 every one).
/// </summary>
/// <param name="LatencyMs">Added before each call, 0 to 60000.</param>
/// <param name="ErrorRatio">The share of calls that fail: REST with 503, gRPC with UNAVAILABLE; 0 to 1.</param>
/// <param name="Scope">Which calls: <c>all</c>, <c>rest</c> or <c>grpc</c>.</param>
public sealed record FaultSetting(int LatencyMs = 0, double ErrorRatio = 0, string Scope = FaultSetting.All)
{
    public const string All = "all";
    public const string Rest = "rest";
    public const string Grpc = "grpc";

    /// <summary>A minute: long enough for any lesson, short enough that a typo does not hold calls for hours.</summary>
    public const int MaxLatencyMs = 60_000;

    /// <summary>No faults: what a service starts with, and what <c>DELETE /_admin/faults</c> restores.</summary>
    public static readonly FaultSetting None = new();

    /// <summary>The setting with its scope in lower case, or <see cref="InvalidInputException"/> (a 400) naming what is wrong.</summary>
    public FaultSetting Validated()
    {
        if (LatencyMs is < 0 or > MaxLatencyMs)
        {
            throw new InvalidInputException($"latencyMs must be between 0 and {MaxLatencyMs}.");
        }
        if (ErrorRatio is < 0 or > 1 || double.IsNaN(ErrorRatio))
        {
            throw new InvalidInputException("errorRatio must be between 0 and 1.");
        }
        var scope = Scope?.ToLowerInvariant();
        if (scope is not (All or Rest or Grpc))
        {
            throw new InvalidInputException($"scope must be one of {All}, {Rest}, {Grpc}.");
        }
        return this with { Scope = scope };
    }

    /// <summary>Whether calls of <paramref name="protocol"/> (<see cref="Rest"/> or <see cref="Grpc"/>) are affected at all.</summary>
    public bool AppliesTo(string protocol) => (LatencyMs > 0 || ErrorRatio > 0) && (Scope == All || Scope == protocol);
}
