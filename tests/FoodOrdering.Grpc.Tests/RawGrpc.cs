using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using FoodOrdering.Grpc.Protocol;
using Google.Protobuf;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// Hand-made HTTP/2 requests, for what a well-behaved client never sends (a wrong content type, a
/// compressed flag) and to look at the wire (trailers-only or not).
/// </summary>
public static class RawGrpc
{
    public sealed record Answer(HttpStatusCode HttpStatus, HttpResponseHeaders Headers, byte[] Body, HttpResponseHeaders Trailers)
    {
        public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;
        public string? Trailer(string name) => Trailers.TryGetValues(name, out var values) ? values.First() : null;

        /// <summary>The status, wherever it came: trailers, or the headers of a trailers-only answer.</summary>
        public StatusCode? Status => (Trailer(GrpcHeaders.Status) ?? Header(GrpcHeaders.Status)) is { } code ? (StatusCode)int.Parse(code) : null;
    }

    public static byte[] Frame(IMessage message)
    {
        var writer = new ArrayBufferWriter<byte>();
        MessageFraming.WriteMessage(writer, message, int.MaxValue);
        return writer.WrittenSpan.ToArray();
    }

    public static async Task<Answer> PostAsync(string address, string path, byte[] body, string contentType = GrpcHeaders.ContentType,
        params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, response.Headers, bytes, response.TrailingHeaders);
    }
}
