using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Server;

/// <summary>
/// A class that implements a service of a .proto file. It names the service's descriptor (from the
/// generated <c>XxxReflection.Descriptor</c>), and has one public method per rpc, named like the rpc:
/// <code>
/// unary:            Task&lt;TResponse&gt; Method(TRequest request, ServerCallContext context)
/// server streaming: Task Method(TRequest request, IServerStreamWriter&lt;TResponse&gt; responses, ServerCallContext context)
/// bidi streaming:   Task Method(IAsyncEnumerable&lt;TRequest&gt; requests, IServerStreamWriter&lt;TResponse&gt; responses, ServerCallContext context)
/// </code>
/// (the role of the generated <c>XxxBase</c> class in Grpc.AspNetCore). <see cref="ServiceBinder"/>
/// checks all of it when the service is mapped, so a missing method fails at start-up, not at call time.
/// </summary>
public interface IGrpcService
{
    static abstract ServiceDescriptor Descriptor { get; }
}
