using System.Buffers;
using System.IO.Pipelines;
using FoodOrdering.Grpc.Contracts.Interop.V1;
using FoodOrdering.Grpc.Protocol;

namespace FoodOrdering.Grpc.Tests;

/// <summary>The protocol's pieces on their own: framing, grpc-timeout, grpc-message encoding, metadata keys.</summary>
public sealed class ProtocolTests
{
    private static readonly EchoRequest First = new() { Text = "first", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[300]) };
    private static readonly EchoRequest Second = new() { Text = "zweite \u00e9\u00e8 \U0001F600" };

    private static async Task<List<EchoRequest>> ReadAllAsync(Pipe pipe, int maxMessageSize = 4096)
    {
        var messages = new List<EchoRequest>();
        while (await MessageFraming.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, maxMessageSize, CancellationToken.None) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }

    [Fact]
    public async Task A_message_split_over_many_DATA_frames_is_read_whole()
    {
        var pipe = new Pipe();
        var bytes = RawGrpc.Frame(First);
        var reading = ReadAllAsync(pipe);
        foreach (var b in bytes)
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }
        await pipe.Writer.CompleteAsync();

        Assert.Equal([First], await reading);
    }

    [Fact]
    public async Task Several_messages_in_one_DATA_frame_are_read_one_by_one()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpc.Frame(First).Concat(RawGrpc.Frame(Second)).ToArray());
        await pipe.Writer.CompleteAsync();

        Assert.Equal([First, Second], await ReadAllAsync(pipe));
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_message_is_INTERNAL()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpc.Frame(First)[..10]);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(pipe));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_message_over_the_limit_is_RESOURCE_EXHAUSTED_before_its_bytes_arrive()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpc.Frame(First)[..5]); // the header alone announces the size

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(pipe, maxMessageSize: 100));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public void Writing_a_message_over_the_limit_is_RESOURCE_EXHAUSTED_and_writes_nothing()
    {
        var writer = new ArrayBufferWriter<byte>();
        var error = Assert.Throws<RpcException>(() => MessageFraming.WriteMessage(writer, First, maxMessageSize: 100));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public async Task A_compressed_message_is_UNIMPLEMENTED()
    {
        var pipe = new Pipe();
        var bytes = RawGrpc.Frame(First);
        bytes[0] = 1;
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(pipe));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("100u", 1_000L)]
    [InlineData("99999999n", 999_999L)]
    public void Grpc_timeout_is_parsed_in_every_unit(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(TimeSpan.FromTicks(ticks), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("123456789m")] // 9 digits: the spec allows at most 8
    [InlineData("-5S")]
    [InlineData("5s")]
    [InlineData("1.5S")]
    public void Malformed_grpc_timeout_is_rejected(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Fact]
    public void The_longest_grpc_timeout_is_parsed_without_overflow()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(TimeSpan.FromHours(99_999_999), timeout);
    }

    [Theory]
    [InlineData(250, "250000u")]
    [InlineData(100_000_000, "100000S")]
    public void Grpc_timeout_is_formatted_in_the_finest_unit_that_fits_8_digits(int milliseconds, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Grpc_timeout_is_rounded_up_never_down()
    {
        Assert.Equal("2u", GrpcTimeout.Format(TimeSpan.FromTicks(11)));
        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(TimeSpan.FromTicks(11)), out var parsed) && parsed >= TimeSpan.FromTicks(11));
    }

    [Theory]
    [InlineData("plain ASCII stays", "plain ASCII stays")]
    [InlineData("100%", "100%25")]
    [InlineData("caf\u00e9", "caf%C3%A9")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("\U0001F600", "%F0%9F%98%80")]
    public void Grpc_message_is_percent_encoded_UTF8(string text, string wire)
    {
        Assert.Equal(wire, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(wire));
    }

    [Fact]
    public void A_malformed_percent_sequence_is_kept_as_it_is() =>
        Assert.Equal("50%zz and %4", PercentEncoding.Decode("50%zz and %4"));

    [Theory]
    [InlineData("Upper")]
    [InlineData("grpc-status")]
    [InlineData("content-type")]
    [InlineData("x-data-bin")]
    public void Invalid_or_reserved_text_metadata_keys_are_refused(string key) =>
        Assert.Throws<ArgumentException>(() => new Metadata().Add(key, "value"));

    [Fact]
    public void Binary_metadata_travels_as_unpadded_base64()
    {
        var metadata = new Metadata().Add("x-data-bin", [1, 2, 3, 4]);
        Assert.Equal("AQIDBA", Metadata.ToWire(metadata[0]));

        var received = new Metadata();
        received.AddFromWire("X-Data-Bin", "AQIDBA");
        Assert.Equal([1, 2, 3, 4], received.GetBytes("x-data-bin"));
    }
}
