namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>
/// How a service calls one downstream service, from configuration section
/// <c>Downstreams:{name}</c> (e.g. <c>Downstreams__consumer__GrpcAddress=http://127.0.0.1:9081</c>).
/// Every value but the addresses has a default that suits calls between our services.
/// </summary>
public sealed class ServiceProxyOptions
{
    public const string SectionName = "Downstreams";

    /// <summary>
    /// The downstream's gRPC URL (its HTTP/2-only port), for a gRPC client: one instance (<c>http://kitchen:9082</c>),
    /// or a name a resolver turns into every instance (<c>dns:///kitchen-pods:9082</c>: each address the name
    /// resolves to), whose calls are then balanced round robin.
    /// </summary>
    public Uri? GrpcAddress { get; set; }

    /// <summary>
    /// The gRPC URL of every instance (<c>GrpcAddresses:0</c>, <c>GrpcAddresses:1</c>, ...), when the caller is told
    /// them all: calls are balanced round robin over them. Wins over <see cref="GrpcAddress"/>.
    /// </summary>
    public List<Uri> GrpcAddresses { get; set; } = [];

    /// <summary>The downstream's REST base URL, for an HttpClient.</summary>
    public Uri? HttpAddress { get; set; }

    /// <summary>
    /// The network timeout: never wait longer for an answer. For gRPC it is the default deadline of every
    /// unary call that has none (a call may set its own; a caller's shorter deadline wins), which
    /// the downstream is told too; for HTTP it bounds each request.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many calls may be in flight to this downstream at once; one more is rejected at once, not queued.</summary>
    public int MaxOutstandingRequests { get; set; } = 100;

    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

/// <summary>When the circuit breaker of one downstream opens, and for how long (Polly's sampling breaker).</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Open when at least this share of the calls in the sampling window failed...</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>...in a window of this length...</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>...once the window holds at least this many calls (a single failure out of one call is no signal).</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Stay open this long (every call fails fast), then let one probe call through (half-open).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
