using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace FoodOrdering.Grpc.Protocol;

/// <summary>
/// gRPC's length-prefixed messages: 1 byte "compressed" flag, 4 bytes big-endian length, the
/// protobuf bytes. HTTP/2 DATA frames and message boundaries are unrelated: one message may arrive
/// in many frames, and one frame may hold several messages. Server and client both read and write
/// through this one class.
/// </summary>
public static class MessageFraming
{
    public const int HeaderLength = 5;

    /// <summary>gRPC's usual default receive limit: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Writes one framed message; the caller flushes.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int maxMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize} bytes).");
        }
        var frame = writer.GetSpan(HeaderLength + size)[..(HeaderLength + size)];
        frame[0] = 0; // not compressed
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..HeaderLength], (uint)size);
        message.WriteTo(frame[HeaderLength..]);
        writer.Advance(HeaderLength + size);
    }

    /// <summary>Reads the next message, or null when the stream ended cleanly between messages.</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(PipeReader reader, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            T? message;
            try
            {
                message = TryReadMessage(ref buffer, parser, maxMessageSize);
            }
            catch
            {
                // Give the buffer back before failing, or the next reader of this pipe throws.
                reader.AdvanceTo(result.Buffer.Start);
                throw;
            }

            if (message is not null)
            {
                reader.AdvanceTo(buffer.Start);
                return message;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return buffer.IsEmpty
                    ? null
                    : throw new RpcException(StatusCode.Internal, "The stream ended in the middle of a message.");
            }
        }
    }

    /// <summary>Cuts one whole message off the front of <paramref name="buffer"/>, or returns null if it is not all there yet.</summary>
    internal static T? TryReadMessage<T>(ref ReadOnlySequence<byte> buffer, MessageParser<T> parser, int maxMessageSize)
        where T : class, IMessage<T>
    {
        if (buffer.Length < HeaderLength)
        {
            return null;
        }
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                throw new RpcException(StatusCode.Unimplemented, "Compressed messages are not supported (only the identity encoding).");
            default:
                throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in a message header.");
        }
        if (length > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes).");
        }
        if (buffer.Length < HeaderLength + length)
        {
            return null;
        }

        var payload = buffer.Slice(HeaderLength, length);
        T message;
        try
        {
            message = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"The message is not valid protobuf: {e.Message}");
        }
        buffer = buffer.Slice(payload.End);
        return message;
    }
}
