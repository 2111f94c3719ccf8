using System.Runtime.CompilerServices;
using FoodOrdering.Grpc.Server;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using V1 = FoodOrdering.Grpc.Contracts.Reflection.V1;
using V1Alpha = FoodOrdering.Grpc.Contracts.Reflection.V1Alpha;

namespace FoodOrdering.Grpc.Reflection;

/// <summary>
/// grpc.reflection.v1alpha, for older tools. Its messages are field for field those of v1, so the
/// same bytes parse as either: every request is re-read as v1, answered by
/// <see cref="ServerReflectionService"/>, and the answer re-read as v1alpha.
/// </summary>
public sealed class ServerReflectionV1AlphaService(GrpcServer server) : IGrpcService
{
    public static ServiceDescriptor Descriptor => V1Alpha.ReflectionReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ServerReflection");

    public Task ServerReflectionInfo(IAsyncEnumerable<V1Alpha.ServerReflectionRequest> requests,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responses, ServerCallContext context) =>
        new ServerReflectionService(server).ServerReflectionInfo(AsV1(requests, context.CancellationToken), new V1AlphaWriter(responses), context);

    private static async IAsyncEnumerable<V1.ServerReflectionRequest> AsV1(IAsyncEnumerable<V1Alpha.ServerReflectionRequest> requests,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var request in requests.WithCancellation(cancellationToken))
        {
            yield return V1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString());
        }
    }

    private sealed class V1AlphaWriter(IServerStreamWriter<V1Alpha.ServerReflectionResponse> responses) : IServerStreamWriter<V1.ServerReflectionResponse>
    {
        public Task WriteAsync(V1.ServerReflectionResponse message) =>
            responses.WriteAsync(V1Alpha.ServerReflectionResponse.Parser.ParseFrom(message.ToByteString()));
    }
}
