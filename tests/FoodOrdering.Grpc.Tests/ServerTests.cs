using System.Net;
using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Health.V1;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Contracts.Reflection.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using FoodOrdering.LocalSystem.Processes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FoodOrdering.Grpc.Tests;

/// <summary>Our server and our client against each other, through a real Kestrel HTTP/2 endpoint.</summary>
public sealed class ServerTests(ServerTests.Fixture server) : IClassFixture<ServerTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public InProcessGrpcServer Server { get; private set; } = null!;
        public Task InitializeAsync() => InitializeCoreAsync();
        public async Task DisposeAsync() => await Server.DisposeAsync();
        private async Task InitializeCoreAsync() => Server = await InProcessGrpcServer.StartAsync(maxMessageSize: 64 * 1024);
    }

    private GrpcChannel Channel => server.Server.Channel;
    private string Address => server.Server.Address;

    [Fact]
    public async Task Unary_call_returns_the_response()
    {
        var response = await Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("bytes") });

        Assert.Equal("hello", response.Text);
        Assert.Equal("bytes", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Unicode_survives_in_messages_and_in_status_details()
    {
        const string text = "Grüße, 你好, \U0001F355 100% done\nnext line";
        var response = await Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = text });
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { FailWithCode = (int)StatusCode.InvalidArgument, FailWithMessage = text }));

        Assert.Equal(text, response.Text);
        Assert.Equal(new Status(StatusCode.InvalidArgument, text), error.Status);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.Unauthenticated)]
    public async Task A_status_thrown_by_a_handler_reaches_the_client(StatusCode code)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { FailWithCode = (int)code, FailWithMessage = "because" }));

        Assert.Equal(new Status(code, "because"), error.Status);
    }

    [Fact]
    public async Task An_error_before_any_message_is_a_trailers_only_response()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path,
            RawGrpc.Frame(new EchoRequest { FailWithCode = (int)StatusCode.NotFound, FailWithMessage = "nope" }));

        Assert.Equal(HttpStatusCode.OK, answer.HttpStatus);
        Assert.Equal("5", answer.Header(GrpcHeaders.Status));
        Assert.Equal("nope", answer.Header(GrpcHeaders.Message));
        Assert.Empty(answer.Body);
        Assert.Null(answer.Trailer(GrpcHeaders.Status));
    }

    [Fact]
    public async Task A_successful_call_ends_with_grpc_status_0_in_the_trailers()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, RawGrpc.Frame(new EchoRequest { Text = "x" }));

        Assert.Equal("0", answer.Trailer(GrpcHeaders.Status));
        Assert.Equal(RawGrpc.Frame(new EchoResponse { Text = "x" }), answer.Body);
    }

    [Fact]
    public async Task Metadata_goes_in_and_comes_back_in_headers_and_trailers()
    {
        var headers = new Metadata().Add("x-echo", "sent by the client").Add("x-echo-bin", [0, 1, 254, 255]);
        var result = await Channel.UnaryCallAsync(InteropMethods.Echo, new EchoRequest(), new CallOptions(Headers: headers));

        Assert.Equal("sent by the client", result.Headers.GetValue("x-echo-header"));
        Assert.Equal("sent by the client", result.Trailers.GetValue("x-echo-trailer"));
        Assert.Equal([0, 1, 254, 255], result.Trailers.GetBytes("x-echo-trailer-bin"));
    }

    [Fact]
    public async Task Trailers_set_by_a_failing_handler_reach_the_client()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(InteropMethods.Echo,
            new EchoRequest { FailWithCode = (int)StatusCode.Aborted }, new CallOptions(Headers: new Metadata().Add("x-echo", "v"))));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("v", error.Trailers.GetValue("x-echo-trailer"));
    }

    [Fact]
    public async Task Unknown_method_returns_UNIMPLEMENTED()
    {
        var method = GrpcMethod<EchoRequest, EchoResponse>.From(InteropService.Descriptor.FindMethodByName("Echo")) with { Path = "/ftgo.interop.v1.InteropService/NoSuchMethod" };
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(method, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task A_wrong_content_type_is_HTTP_415()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, "{}"u8.ToArray(), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.HttpStatus);
    }

    [Fact]
    public async Task The_gRPC_port_speaks_HTTP_2_only()
    {
        using var http = new HttpClient();
        using var http11 = new HttpRequestMessage(HttpMethod.Post, $"{Address}{InteropMethods.Echo.Path}") { Version = HttpVersion.Version11 };

        using var response = await http.SendAsync(http11);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_grpc_plus_proto_content_type_is_accepted()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, RawGrpc.Frame(new EchoRequest()), contentType: "application/grpc+proto");

        Assert.Equal(StatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task A_compressed_message_is_UNIMPLEMENTED()
    {
        var body = RawGrpc.Frame(new EchoRequest { Text = "pretend this is gzip" });
        body[0] = 1;
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, body, GrpcHeaders.ContentType, (GrpcHeaders.Encoding, "identity"));

        Assert.Equal(StatusCode.Unimplemented, answer.Status);
    }

    [Fact]
    public async Task A_gzip_encoded_request_is_UNIMPLEMENTED_and_told_identity_is_accepted()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, RawGrpc.Frame(new EchoRequest()), GrpcHeaders.ContentType, (GrpcHeaders.Encoding, "gzip"));

        Assert.Equal(StatusCode.Unimplemented, answer.Status);
        Assert.Equal("identity", answer.Header(GrpcHeaders.AcceptEncoding));
    }

    [Fact]
    public async Task A_request_over_the_servers_message_size_limit_is_RESOURCE_EXHAUSTED()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[100 * 1024]) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_response_over_the_clients_message_size_limit_is_RESOURCE_EXHAUSTED()
    {
        var smallClient = new GrpcChannel(GrpcChannel.CreateHttpClient(Address), maxMessageSize: 1000);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            smallClient.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = new string('x', 900), Payload = ByteString.CopyFrom(new byte[900]) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task An_unhandled_exception_is_INTERNAL_without_its_details()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Crash = true }));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail);
        Assert.DoesNotContain("InvalidOperationException", error.Status.Detail);
    }

    [Fact]
    public async Task A_call_slower_than_its_deadline_is_DEADLINE_EXCEEDED_on_time()
    {
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(InteropMethods.Echo,
            new EchoRequest { DelayMs = 10_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(200))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_server_turns_grpc_timeout_into_cancellation_and_answers_DEADLINE_EXCEEDED()
    {
        // No client-side timer here: only the server's reading of grpc-timeout can end this call early.
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Echo.Path, RawGrpc.Frame(new EchoRequest { DelayMs = 10_000 }),
            GrpcHeaders.ContentType, (GrpcHeaders.Timeout, "200m"));

        Assert.Equal(StatusCode.DeadlineExceeded, answer.Status);
    }

    [Fact]
    public async Task A_cancelled_call_is_CANCELLED()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(InteropMethods.Echo,
            new EchoRequest { DelayMs = 10_000 }, new CallOptions(CancellationToken: cancel.Token)));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_UNAVAILABLE()
    {
        var nobody = GrpcChannel.ForAddress($"http://127.0.0.1:{Network.FreePort()}");
        var error = await Assert.ThrowsAsync<RpcException>(() => nobody.UnaryAsync(InteropMethods.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order()
    {
        var numbers = new List<int>();
        await foreach (var response in Channel.ServerStreamingAsync(InteropMethods.Count, new CountRequest { Count = 50 }))
        {
            numbers.Add(response.Number);
        }

        Assert.Equal(Enumerable.Range(1, 50), numbers);
    }

    [Fact]
    public async Task Server_streaming_messages_arrive_while_the_stream_is_still_open()
    {
        // An interval of a minute: the first message can only arrive if the server flushes it at once.
        await using var stream = Channel.ServerStreamingAsync(InteropMethods.Count, new CountRequest { Count = 5, IntervalMs = 60_000 },
            CallOptions.WithTimeout(TimeSpan.FromSeconds(10))).GetAsyncEnumerator();

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(1, stream.Current.Number);
    }

    [Fact]
    public async Task Stopping_to_read_a_stream_early_cancels_it_on_the_server()
    {
        await foreach (var response in Channel.ServerStreamingAsync(InteropMethods.Count, new CountRequest { Count = 1000, IntervalMs = 20 }))
        {
            if (response.Number == 3)
            {
                break;
            }
        }

        var cancelled = server.Server.Observer.CountCancelled.Task;
        Assert.Same(cancelled, await Task.WhenAny(cancelled, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_deadline_during_a_stream_ends_it_with_DEADLINE_EXCEEDED_in_the_trailers()
    {
        var answer = await RawGrpc.PostAsync(Address, InteropMethods.Count.Path, RawGrpc.Frame(new CountRequest { Count = 1000, IntervalMs = 50 }),
            GrpcHeaders.ContentType, (GrpcHeaders.Timeout, "300m"));

        Assert.NotEmpty(answer.Body);
        Assert.Equal("4", answer.Trailer(GrpcHeaders.Status));
    }

    [Fact]
    public async Task One_hundred_fifty_concurrent_calls_all_succeed()
    {
        var calls = Enumerable.Range(0, 150).Select(i => Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = $"call {i}" }));
        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"call {i}"), responses.Select(r => r.Text));
    }

    [Fact]
    public async Task Health_check_answers_SERVING_for_the_server_and_its_services_and_NOT_FOUND_otherwise()
    {
        var check = GrpcMethod<HealthCheckRequest, HealthCheckResponse>.From(Health.HealthService.Descriptor.FindMethodByName("Check"));

        var whole = await Channel.UnaryAsync(check, new HealthCheckRequest { Service = "" });
        var interop = await Channel.UnaryAsync(check, new HealthCheckRequest { Service = "ftgo.interop.v1.InteropService" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(check, new HealthCheckRequest { Service = "no.such.Service" }));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, whole.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, interop.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Health_watch_starts_with_the_current_status()
    {
        var watch = GrpcMethod<HealthCheckRequest, HealthCheckResponse>.From(Health.HealthService.Descriptor.FindMethodByName("Watch"));
        await using var updates = Channel.ServerStreamingAsync(watch, new HealthCheckRequest(), CallOptions.WithTimeout(TimeSpan.FromSeconds(10))).GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, updates.Current.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_services_and_serves_a_file_with_its_imports()
    {
        var path = $"/{Reflection.ServerReflectionService.Descriptor.FullName}/ServerReflectionInfo";
        var body = RawGrpc.Frame(new ServerReflectionRequest { ListServices = "" })
            .Concat(RawGrpc.Frame(new ServerReflectionRequest { FileContainingSymbol = "ftgo.interop.v1.InteropService.Echo" }))
            .Concat(RawGrpc.Frame(new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" }))
            .ToArray();

        var answer = await RawGrpc.PostAsync(Address, path, body);
        var responses = await ReadAllAsync(answer.Body, ServerReflectionResponse.Parser);

        Assert.Equal(StatusCode.OK, answer.Status);
        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "ftgo.interop.v1.InteropService"],
            responses[0].ListServicesResponse.Service.Select(s => s.Name));
        var file = FileDescriptorProto.Parser.ParseFrom(responses[1].FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("ftgo/interop/v1/interop.proto", file.Name);
        Assert.Equal((int)StatusCode.NotFound, responses[2].ErrorResponse.ErrorCode);
    }

    [Fact]
    public void A_service_class_missing_a_rpc_fails_when_it_is_mapped()
    {
        var grpcServer = (GrpcServer)server.Server.Services.GetService(typeof(GrpcServer))!;

        var error = Assert.Throws<InvalidOperationException>(grpcServer.AddService<IncompleteInteropService>);
        Assert.Contains("Count", error.Message);
    }

    [Fact]
    public async Task The_unary_call_policy_decides_whether_a_call_is_made()
    {
        var refusing = new GrpcChannel(GrpcChannel.CreateHttpClient(Address), new OpenCircuit());
        var error = await Assert.ThrowsAsync<RpcException>(() => refusing.UnaryAsync(InteropMethods.Echo, new EchoRequest()));

        Assert.Equal(new Status(StatusCode.Unavailable, "circuit open"), error.Status);
    }

    private sealed class OpenCircuit : IUnaryCallPolicy
    {
        public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
            throw new RpcException(StatusCode.Unavailable, "circuit open");
    }

    /// <summary>Implements Echo but neither Count nor Chat.</summary>
    private sealed class IncompleteInteropService : IGrpcService
    {
        public static ServiceDescriptor Descriptor => InteropService.Descriptor;

        public Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoResponse());
    }

    private static async Task<List<T>> ReadAllAsync<T>(byte[] body, MessageParser<T> parser) where T : class, IMessage<T>
    {
        var reader = System.IO.Pipelines.PipeReader.Create(new MemoryStream(body));
        var messages = new List<T>();
        while (await MessageFraming.ReadMessageAsync(reader, parser, int.MaxValue, CancellationToken.None) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }
}
