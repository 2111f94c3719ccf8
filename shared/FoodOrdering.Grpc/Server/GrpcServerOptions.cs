using FoodOrdering.Grpc.Protocol;

namespace FoodOrdering.Grpc.Server;

/// <summary>Settings of a service's gRPC endpoint (configuration section "Grpc").</summary>
public sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc";

    /// <summary>The HTTP/2-only port (Consumer 9081, Kitchen 9082, Accounting 9083, Order 9084).</summary>
    public int Port { get; set; }

    /// <summary>The address to listen on; loopback unless a deployment says otherwise (e.g. 0.0.0.0 in a container).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>A message larger than this, in either direction, ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxMessageSize { get; set; } = MessageFraming.DefaultMaxMessageSize;
}
