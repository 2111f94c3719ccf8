using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Tests;

/// <summary>The rpcs of ftgo.interop.v1.InteropService as our client calls them, taken from the descriptor.</summary>
public static class InteropMethods
{
    private static readonly ServiceDescriptor Service = InteropService.Descriptor;

    public static readonly GrpcMethod<EchoRequest, EchoResponse> Echo = GrpcMethod<EchoRequest, EchoResponse>.From(Service.FindMethodByName("Echo"));
    public static readonly GrpcMethod<CountRequest, CountResponse> Count = GrpcMethod<CountRequest, CountResponse>.From(Service.FindMethodByName("Count"));
}
