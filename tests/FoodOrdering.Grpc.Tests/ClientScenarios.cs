using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Protocol;
using Google.Protobuf;

namespace FoodOrdering.Grpc.Tests;

/// <summary>What our client must get right against any server of ftgo.interop.v1.InteropService (grpc-js, grpcio).</summary>
public static class ClientScenarios
{
    private const string Unicode = "Grüße, 你好, \U0001F355 100% done";

    public static readonly Dictionary<string, Func<GrpcChannel, Task>> All = new()
    {
        ["unary"] = async channel =>
        {
            var response = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(0, 1, 255) });
            Assert.Equal("hello", response.Text);
            Assert.Equal([0, 1, 255], response.Payload.ToByteArray());
        },
        ["unicode"] = async channel =>
        {
            var response = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = Unicode });
            var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo,
                new EchoRequest { FailWithCode = (int)StatusCode.InvalidArgument, FailWithMessage = Unicode }));
            Assert.Equal(Unicode, response.Text);
            Assert.Equal(new Status(StatusCode.InvalidArgument, Unicode), error.Status);
        },
        ["error_codes"] = async channel =>
        {
            foreach (var code in new[] { StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.PermissionDenied, StatusCode.Unavailable })
            {
                var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo,
                    new EchoRequest { FailWithCode = (int)code, FailWithMessage = $"code {code}" }));
                Assert.Equal(new Status(code, $"code {code}"), error.Status);
            }
        },
        ["unknown_method"] = async channel =>
        {
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                channel.UnaryAsync(InteropMethods.Echo with { Path = "/ftgo.interop.v1.InteropService/NoSuchMethod" }, new EchoRequest()));
            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        },
        ["deadline_exceeded"] = async channel =>
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo,
                new EchoRequest { DelayMs = 10_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(200))));
            Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        },
        ["metadata"] = async channel =>
        {
            var result = await channel.UnaryCallAsync(InteropMethods.Echo, new EchoRequest(), new CallOptions(Headers: new Metadata().Add("x-echo", "from C#")));
            Assert.Equal("from C#", result.Headers.GetValue("x-echo-header"));
            Assert.Equal("from C#", result.Trailers.GetValue("x-echo-trailer"));
        },
        ["server_streaming"] = async channel =>
        {
            var numbers = new List<int>();
            await foreach (var response in channel.ServerStreamingAsync(InteropMethods.Count, new CountRequest { Count = 20 }))
            {
                numbers.Add(response.Number);
            }
            Assert.Equal(Enumerable.Range(1, 20), numbers);
        },
        ["server_streaming_early_cancel"] = async channel =>
        {
            using var cancel = new CancellationTokenSource();
            var received = 0;
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var response in channel.ServerStreamingAsync(InteropMethods.Count, new CountRequest { Count = 1000, IntervalMs = 20 }, new CallOptions(CancellationToken: cancel.Token)))
                {
                    received = response.Number;
                    if (received == 3)
                    {
                        await cancel.CancelAsync();
                    }
                }
            });
            Assert.Equal(StatusCode.Cancelled, error.StatusCode);
            Assert.Equal(3, received);
        },
        ["concurrent_150"] = async channel =>
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = $"call {i}" })));
            Assert.Equal(Enumerable.Range(0, 150).Select(i => $"call {i}"), responses.Select(r => r.Text));
        },
    };

    public static TheoryData<string> Names => [.. All.Keys];
}
