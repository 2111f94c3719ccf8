using FoodOrdering.Grpc.Protocol;

namespace FoodOrdering.Grpc.Client;

/// <summary>Per-call options: when to give up, metadata to send, and a token to cancel with.</summary>
public readonly record struct CallOptions(DateTime? Deadline = null, Metadata? Headers = null, CancellationToken CancellationToken = default)
{
    /// <summary>A deadline <paramref name="timeout"/> from now.</summary>
    public static CallOptions WithTimeout(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        new(DateTime.UtcNow + timeout, null, cancellationToken);
}

/// <summary>A unary call's answer with the metadata around it.</summary>
public sealed record UnaryResult<TResponse>(TResponse Response, Metadata Headers, Metadata Trailers);
