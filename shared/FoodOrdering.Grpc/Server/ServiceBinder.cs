using System.Reflection;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace FoodOrdering.Grpc.Server;

/// <summary>A bound rpc: its path ("/package.Service/Method") and what runs a call of it.</summary>
internal sealed record ServerMethod(string Path, MethodDescriptor Descriptor, Func<ServerCall, ServerCallContext, Task> Handler);

/// <summary>
/// Binds a service class to its .proto service, method by method, from the generated descriptor:
/// the path, the request and response types and the streaming kind all come from the .proto, and a
/// rpc without a matching public method is an error at start-up.
/// </summary>
internal static class ServiceBinder
{
    public static IReadOnlyList<ServerMethod> Bind<TService>() where TService : class, IGrpcService
    {
        var service = TService.Descriptor;
        return [.. service.Methods.Select(method => Bind<TService>(service, method))];
    }

    private static ServerMethod Bind<TService>(ServiceDescriptor service, MethodDescriptor method) where TService : class
    {
        var request = method.InputType.ClrType;
        var response = method.OutputType.ClrType;
        var (binderName, parameters, returnType, shape) = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => (nameof(BindUnary), new[] { request, typeof(ServerCallContext) }, typeof(Task<>).MakeGenericType(response),
                $"Task<{response.Name}> {method.Name}({request.Name} request, ServerCallContext context)"),
            (false, true) => (nameof(BindServerStreaming), new[] { request, typeof(IServerStreamWriter<>).MakeGenericType(response), typeof(ServerCallContext) }, typeof(Task),
                $"Task {method.Name}({request.Name} request, IServerStreamWriter<{response.Name}> responses, ServerCallContext context)"),
            (true, true) => (nameof(BindBidiStreaming), new[] { typeof(IAsyncEnumerable<>).MakeGenericType(request), typeof(IServerStreamWriter<>).MakeGenericType(response), typeof(ServerCallContext) }, typeof(Task),
                $"Task {method.Name}(IAsyncEnumerable<{request.Name}> requests, IServerStreamWriter<{response.Name}> responses, ServerCallContext context)"),
            (true, false) => throw new NotSupportedException(
                $"{service.FullName}/{method.Name} is client streaming, which this layer does not support yet."),
        };

        var implementation = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameters);
        if (implementation is null || implementation.ReturnType != returnType)
        {
            throw new InvalidOperationException(
                $"{typeof(TService).Name} does not implement rpc {method.Name} of {service.FullName} ({service.File.Name}). Expected: public {shape}");
        }

        var binder = typeof(ServiceBinder).GetMethod(binderName, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(TService), request, response);
        var handler = (Func<ServerCall, ServerCallContext, Task>)binder.Invoke(null, [implementation])!;
        return new ServerMethod($"/{service.FullName}/{method.Name}", method, handler);
    }

    // One instance per call, its constructor's arguments from the request's scope (as Grpc.AspNetCore
    // does), so a service can take scoped dependencies such as a DbContext.
    private static TService Create<TService>(ServerCall call) where TService : class => Factory<TService>.Create(call.Services, null);

    // Built once per service class: finding the constructor by reflection on every call costs more than the call.
    private static class Factory<TService> where TService : class
    {
        public static readonly ObjectFactory<TService> Create = ActivatorUtilities.CreateFactory<TService>([]);
    }

    private static Func<ServerCall, ServerCallContext, Task> BindUnary<TService, TRequest, TResponse>(MethodInfo implementation)
        where TService : class where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>
    {
        var invoke = implementation.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>();
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return async (call, context) =>
        {
            var request = await call.ReadSingleMessageAsync(parser, context.CancellationToken);
            var response = await invoke(Create<TService>(call), request, context);
            await call.WriteMessageAsync(response, context.CancellationToken);
        };
    }

    private static Func<ServerCall, ServerCallContext, Task> BindServerStreaming<TService, TRequest, TResponse>(MethodInfo implementation)
        where TService : class where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>
    {
        var invoke = implementation.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>();
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return async (call, context) =>
        {
            var request = await call.ReadSingleMessageAsync(parser, context.CancellationToken);
            await invoke(Create<TService>(call), request, new ResponseStream<TResponse>(call, context.CancellationToken), context);
        };
    }

    private static Func<ServerCall, ServerCallContext, Task> BindBidiStreaming<TService, TRequest, TResponse>(MethodInfo implementation)
        where TService : class where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>
    {
        var invoke = implementation.CreateDelegate<Func<TService, IAsyncEnumerable<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>();
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return (call, context) =>
            invoke(Create<TService>(call), ReadAllAsync(call, parser, context.CancellationToken), new ResponseStream<TResponse>(call, context.CancellationToken), context);
    }

    private static async IAsyncEnumerable<T> ReadAllAsync<T>(ServerCall call, MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (await call.ReadMessageAsync(parser, cancellationToken) is { } message)
        {
            yield return message;
        }
    }

    private sealed class ResponseStream<T>(ServerCall call, CancellationToken cancellationToken) : IServerStreamWriter<T> where T : IMessage
    {
        public Task WriteAsync(T message) => call.WriteMessageAsync(message, cancellationToken);
    }
}
