using FoodOrdering.Grpc.Contracts.Reflection.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Reflection;

/// <summary>
/// gRPC server reflection (grpc.reflection.v1): lets grpcurl-style tools list the services and fetch
/// the .proto descriptors to build requests without having the .proto files. One bidirectional
/// stream; every request gets one response, in order.
/// </summary>
public sealed class ServerReflectionService(GrpcServer server) : IGrpcService
{
    public static ServiceDescriptor Descriptor => ReflectionReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ServerReflection");

    public async Task ServerReflectionInfo(IAsyncEnumerable<ServerReflectionRequest> requests,
        IServerStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        var index = new DescriptorIndex(server.Services);
        await foreach (var request in requests.WithCancellation(context.CancellationToken))
        {
            await responses.WriteAsync(Answer(index, request));
        }
    }

    private ServerReflectionResponse Answer(DescriptorIndex index, ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = new ListServiceResponse();
                response.ListServicesResponse.Service.AddRange(server.Services.Select(s => new ServiceResponse { Name = s.FullName }));
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFileOrError(response, index.FindFile(request.FileByFilename), $"File not found: {request.FileByFilename}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFileOrError(response, index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol not found: {request.FileContainingSymbol}");
                break;
            default:
                // Our .proto files declare no extensions, so there is nothing to find by extension.
                response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.NotFound, ErrorMessage = "Extensions are not supported." };
                break;
        }
        return response;
    }

    private static void SetFileOrError(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.NotFound, ErrorMessage = notFound };
            return;
        }
        response.FileDescriptorResponse = new FileDescriptorResponse();
        response.FileDescriptorResponse.FileDescriptorProto.AddRange(DescriptorIndex.WithDependencies(file).Select(f => f.SerializedData));
    }
}
