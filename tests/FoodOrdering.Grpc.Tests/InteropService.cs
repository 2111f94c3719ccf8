using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// Our server side of ftgo.interop.v1.InteropService: what the tests, the grpc-js and grpcio
/// clients and the benchmark call. The benchmark compiles this same file.
/// </summary>
public sealed class InteropService(InteropObserver? observer = null) : IGrpcService
{
    public static ServiceDescriptor Descriptor => InteropReflection.Descriptor.FindTypeByName<ServiceDescriptor>("InteropService");

    public async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        // Metadata in and out: "x-echo" comes back as a response header and as a trailer.
        if (context.RequestHeaders.GetValue("x-echo") is { } echo)
        {
            context.ResponseHeaders.Add("x-echo-header", echo);
            context.ResponseTrailers.Add("x-echo-trailer", echo);
        }
        if (context.RequestHeaders.GetBytes("x-echo-bin") is { } bytes)
        {
            context.ResponseTrailers.Add("x-echo-trailer-bin", bytes);
        }
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }
        if (request.Crash)
        {
            throw new InvalidOperationException("secret internal detail");
        }
        if (request.FailWithCode != 0)
        {
            throw new RpcException((StatusCode)request.FailWithCode, request.FailWithMessage);
        }
        return new EchoResponse { Text = request.Text, Payload = request.Payload };
    }

    public async Task Count(CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context)
    {
        try
        {
            for (var number = 1; number <= request.Count; number++)
            {
                await responses.WriteAsync(new CountResponse { Number = number });
                if (request.IntervalMs > 0)
                {
                    await Task.Delay(request.IntervalMs, context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            observer?.CountCancelled.TrySetResult();
            throw;
        }
    }

    public async Task Chat(IAsyncEnumerable<ChatMessage> requests, IServerStreamWriter<ChatMessage> responses, ServerCallContext context)
    {
        await foreach (var message in requests)
        {
            await responses.WriteAsync(new ChatMessage { Text = "echo: " + message.Text });
        }
    }
}

/// <summary>Lets a test see what happened on the server side of a call.</summary>
public sealed class InteropObserver
{
    public TaskCompletionSource CountCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
