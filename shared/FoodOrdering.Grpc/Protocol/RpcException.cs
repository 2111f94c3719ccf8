namespace FoodOrdering.Grpc.Protocol;

/// <summary>
/// A call that ended with a status other than OK. A server handler throws it to answer with that
/// status; the client throws it when the server (or the network, or a deadline) ended the call so.
/// </summary>
public sealed class RpcException(Status status, Metadata? trailers = null)
    : Exception($"Status(StatusCode=\"{status.Code}\", Detail=\"{status.Detail}\")")
{
    public RpcException(StatusCode code, string detail) : this(new Status(code, detail))
    {
    }

    public Status Status { get; } = status;
    public StatusCode StatusCode => Status.Code;

    /// <summary>Metadata that came with the status (client side), or goes with it (server side).</summary>
    public Metadata Trailers { get; } = trailers ?? [];
}
