using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using FoodOrdering.Grpc.Protocol;
using Google.Protobuf;

namespace FoodOrdering.Grpc.Client;

/// <summary>
/// One call on the client, over HttpClient: sends the request (HTTP/2 only, <c>te: trailers</c>,
/// <c>grpc-timeout</c>, metadata), reads framed messages, then the status from the trailers (or
/// from the headers of a trailers-only answer), and turns every failure into an
/// <see cref="RpcException"/>. Disposing it mid-stream cancels the call (RST_STREAM).
/// </summary>
internal sealed class ClientCall : IDisposable
{
    private readonly CancellationTokenSource cancellation;
    private readonly CallOptions options;
    private readonly int maxMessageSize;
    private HttpResponseMessage? response;
    private PipeReader? body;
    private Status? trailersOnlyStatus;

    private ClientCall(CallOptions options, int maxMessageSize)
    {
        this.options = options;
        this.maxMessageSize = maxMessageSize;
        cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
    }

    public Metadata ResponseHeaders { get; } = [];

    public static async Task<ClientCall> StartAsync(HttpClient http, string path, IMessage request, CallOptions options, int maxMessageSize)
    {
        var call = new ClientCall(options, maxMessageSize);
        try
        {
            await call.SendAsync(http, path, request);
            return call;
        }
        catch (Exception e)
        {
            call.Dispose();
            throw call.ToRpcException(e);
        }
    }

    private async Task SendAsync(HttpClient http, string path, IMessage message)
    {
        var frame = new ArrayBufferWriter<byte>();
        MessageFraming.WriteMessage(frame, message, maxMessageSize);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            // HTTP/2 or nothing: falling back to HTTP/1.1 would only get a 400 from a gRPC port.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ReadOnlyMemoryContent(frame.WrittenMemory),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcHeaders.ContentType);
        request.Headers.TryAddWithoutValidation("te", "trailers"); // grpcio servers insist on it
        if (options.Deadline is { } deadline)
        {
            var timeout = deadline - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                throw new RpcException(StatusCode.DeadlineExceeded, "The deadline passed before the call started.");
            }
            request.Headers.TryAddWithoutValidation(GrpcHeaders.Timeout, GrpcTimeout.Format(timeout));
            cancellation.CancelAfter(timeout);
        }
        foreach (var entry in options.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(entry.Key, Metadata.ToWire(entry));
        }

        response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(StatusFromHttp(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}");
        }
        AddMetadata(ResponseHeaders, response.Headers);
        trailersOnlyStatus = ReadStatus(response.Headers);
        if (trailersOnlyStatus is { Code: not StatusCode.OK } status)
        {
            throw new RpcException(status, ResponseHeaders);
        }
        body = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellation.Token));
    }

    /// <summary>The next response message, or null at the end of the response.</summary>
    public async Task<T?> ReadMessageAsync<T>(MessageParser<T> parser) where T : class, IMessage<T>
    {
        if (body is null)
        {
            return null;
        }
        try
        {
            return await MessageFraming.ReadMessageAsync(body, parser, maxMessageSize, cancellation.Token);
        }
        catch (Exception e)
        {
            throw ToRpcException(e);
        }
    }

    /// <summary>After the last message: the trailers, or the RpcException for a status other than OK.</summary>
    public Metadata Finish()
    {
        if (trailersOnlyStatus is not null)
        {
            return [];
        }
        var trailers = new Metadata();
        AddMetadata(trailers, response!.TrailingHeaders);
        var status = ReadStatus(response.TrailingHeaders)
            ?? new Status(StatusCode.Internal, "The response ended without a grpc-status.");
        return status.Code == StatusCode.OK ? trailers : throw new RpcException(status, trailers);
    }

    private RpcException ToRpcException(Exception e) => e switch
    {
        RpcException rpc => rpc,
        OperationCanceledException when options.CancellationToken.IsCancellationRequested =>
            new RpcException(StatusCode.Cancelled, "The call was cancelled by the client."),
        OperationCanceledException when cancellation.IsCancellationRequested =>
            new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded."),
        HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, e.Message),
        _ => new RpcException(StatusCode.Internal, e.Message),
    };

    private static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcHeaders.Status, out var codes))
        {
            return null;
        }
        var code = int.TryParse(codes.First(), out var number) ? (StatusCode)number : StatusCode.Unknown;
        var detail = headers.TryGetValues(GrpcHeaders.Message, out var messages) ? PercentEncoding.Decode(messages.First()) : "";
        return new Status(code, detail);
    }

    private static void AddMetadata(Metadata metadata, HttpHeaders headers)
    {
        foreach (var (key, values) in headers)
        {
            if (!Metadata.IsProtocolHeader(key))
            {
                foreach (var value in values)
                {
                    metadata.AddFromWire(key, value);
                }
            }
        }
    }

    /// <summary>An answer that is not HTTP 200 never reached a gRPC handler (grpc's http-grpc-status-mapping.md).</summary>
    private static StatusCode StatusFromHttp(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    public void Dispose()
    {
        response?.Dispose();
        cancellation.Dispose();
    }
}
