namespace FoodOrdering.ServiceDefaults.Grpc;

/// <summary>A service's gRPC endpoint (configuration section "Grpc", e.g. <c>--Grpc:Port 9081</c> or <c>Grpc__Port</c>).</summary>
public sealed class GrpcEndpointOptions
{
    public const string SectionName = "Grpc";

    /// <summary>The 4 MiB Grpc.AspNetCore and Grpc.Net.Client use by default for what they receive.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>The HTTP/2-only port (Consumer 9081, Kitchen 9082, Accounting 9083, Order 9084).</summary>
    public int Port { get; set; }

    /// <summary>The address to listen on: loopback unless a deployment says otherwise (0.0.0.0 in a container).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>
    /// The largest message the service accepts or sends; a bigger one ends the call with
    /// RESOURCE_EXHAUSTED. Grpc.AspNetCore limits only what it receives by default; we limit both ways.
    /// </summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;
}
