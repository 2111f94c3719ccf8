using FoodOrdering.Grpc.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Grpc.Server;

/// <summary>
/// One gRPC call on the server, from request headers to status: reads and writes framed messages,
/// turns <c>grpc-timeout</c> into cancellation, and ends with the status in trailers, or as a
/// trailers-only response when no message was written (the usual shape of an immediate error).
/// </summary>
internal sealed class ServerCall(HttpContext http, GrpcServerOptions options, ILogger logger)
{
    // Decides trailers vs trailers-only. Not Response.HasStarted: unflushed headers leave it false.
    private bool messageWritten;
    private Metadata responseHeaders = [];

    public IServiceProvider Services => http.RequestServices;

    /// <summary>Runs <paramref name="handler"/> and answers with the status it ends with.</summary>
    public async Task RunAsync(Func<ServerCallContext, Task> handler)
    {
        // gRPC limits each message; the body of a long stream may be any size and idle for a while.
        http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = null;
        http.Features.Get<IHttpMinRequestBodyDataRateFeature>()?.MinDataRate = null;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        ServerCallContext? context = null;
        Status status;
        var trailers = new Metadata();
        try
        {
            context = CreateContext(deadline);
            responseHeaders = context.ResponseHeaders;
            await handler(context);
            status = Status.Ok;
        }
        catch (RpcException e)
        {
            status = e.Status;
            trailers = e.Trailers;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client cancelled (RST_STREAM) or went away: nobody is left to answer.
            return;
        }
        catch (Exception e)
        {
            // The details go to the log, never to the client.
            logger.LogError(e, "gRPC method {Method} threw an unhandled exception", http.Request.Path.Value);
            status = new Status(StatusCode.Internal, "Exception was thrown by handler.");
        }
        Finish(status, [.. context?.ResponseTrailers ?? [], .. trailers]);
    }

    /// <summary>Ends a call that never reached a handler (e.g. an unknown method).</summary>
    public void Fail(Status status) => Finish(status, []);

    private ServerCallContext CreateContext(CancellationTokenSource deadline)
    {
        var requestHeaders = new Metadata();
        foreach (var (key, values) in http.Request.Headers)
        {
            if (!Metadata.IsProtocolHeader(key))
            {
                foreach (var value in values)
                {
                    requestHeaders.AddFromWire(key, value ?? "");
                }
            }
        }

        if (http.Request.Headers[GrpcHeaders.Encoding] is [{ } encoding] && encoding != GrpcHeaders.IdentityEncoding)
        {
            http.Response.Headers[GrpcHeaders.AcceptEncoding] = GrpcHeaders.IdentityEncoding;
            throw new RpcException(StatusCode.Unimplemented, $"Message encoding '{encoding}' is not supported (only identity).");
        }

        DateTime? deadlineUtc = null;
        if (http.Request.Headers[GrpcHeaders.Timeout] is [{ } timeoutHeader])
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                throw new RpcException(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader}'.");
            }
            // CancelAfter takes at most ~49 days; a longer timeout is as good as none.
            if (timeout < TimeSpan.FromDays(49))
            {
                deadlineUtc = DateTime.UtcNow + timeout;
                deadline.CancelAfter(timeout);
            }
        }
        return new ServerCallContext(http, http.Request.Path.Value!, deadlineUtc, requestHeaders, deadline.Token);
    }

    /// <summary>The next request message, or null when the client has finished sending.</summary>
    public ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken) where T : class, IMessage<T> =>
        MessageFraming.ReadMessageAsync(http.Request.BodyReader, parser, options.MaxMessageSize, cancellationToken);

    /// <summary>Reads the single request of a unary or server-streaming call.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken) where T : class, IMessage<T>
    {
        var message = await ReadMessageAsync(parser, cancellationToken)
            ?? throw new RpcException(StatusCode.Internal, "The request has no message.");
        return await ReadMessageAsync(parser, cancellationToken) is null
            ? message
            : throw new RpcException(StatusCode.Internal, "The request has more than one message for a method that takes one.");
    }

    /// <summary>Writes and flushes one response message (flushing at once is what makes streaming stream).</summary>
    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        var body = http.Response.BodyWriter;
        if (!messageWritten)
        {
            WriteResponseHeaders();
        }
        MessageFraming.WriteMessage(body, message, options.MaxMessageSize);
        messageWritten = true;
        await body.FlushAsync(cancellationToken);
    }

    private void WriteResponseHeaders()
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = GrpcHeaders.ContentType;
        foreach (var entry in responseHeaders)
        {
            http.Response.Headers.Append(entry.Key, Metadata.ToWire(entry));
        }
    }

    /// <summary>Trailers after messages; when none was written, a trailers-only response (status in the headers, no body).</summary>
    private void Finish(Status status, Metadata trailers)
    {
        Action<string, string> addTrailer = messageWritten
            ? (key, value) => http.Response.AppendTrailer(key, value)
            : (key, value) => http.Response.Headers.Append(key, value);
        if (!messageWritten)
        {
            WriteResponseHeaders();
        }

        addTrailer(GrpcHeaders.Status, ((int)status.Code).ToString());
        if (status.Detail.Length > 0)
        {
            addTrailer(GrpcHeaders.Message, PercentEncoding.Encode(status.Detail));
        }
        foreach (var entry in trailers)
        {
            addTrailer(entry.Key, Metadata.ToWire(entry));
        }
    }
}
