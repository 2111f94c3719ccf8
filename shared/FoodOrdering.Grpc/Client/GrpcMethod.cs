using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Client;

/// <summary>
/// A rpc as a client calls it, typed and taken from the .proto descriptor (the role of the generated
/// <c>Method&lt;TRequest, TResponse&gt;</c> fields in Grpc.Net.Client stubs):
/// <c>GrpcMethod&lt;GetConsumerRequest, GetConsumerResponse&gt;.From(descriptor.FindMethodByName("GetConsumer"))</c>.
/// </summary>
public sealed record GrpcMethod<TRequest, TResponse>(string Path, MessageParser<TResponse> ResponseParser, bool IsServerStreaming)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
{
    public static GrpcMethod<TRequest, TResponse> From(MethodDescriptor? method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException(
                $"{method.FullName} takes {method.InputType.ClrType.Name} and returns {method.OutputType.ClrType.Name}, not {typeof(TRequest).Name} -> {typeof(TResponse).Name}.");
        }
        if (method.IsClientStreaming)
        {
            throw new NotSupportedException($"{method.FullName} is client streaming, which this layer does not support yet.");
        }
        return new($"/{method.Service.FullName}/{method.Name}", (MessageParser<TResponse>)method.OutputType.Parser, method.IsServerStreaming);
    }
}
