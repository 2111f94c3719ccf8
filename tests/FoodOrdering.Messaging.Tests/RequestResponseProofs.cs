using FoodOrdering.Testing;
using Microsoft.Extensions.Hosting;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// Asynchronous request/response (chapter 3), the way the sagas will use it: a command names a reply
/// channel and carries a correlation id; its handler replies through the outbox, on that channel, with the
/// same correlation id. And a handler that wrote to the outbox and then threw has sent nothing at all.
/// </summary>
public sealed class RequestResponseProofs(PollingRelayFixture fixture) : IClassFixture<PollingRelayFixture>, IAsyncLifetime
{
    private const string ReplyChannel = "proof-saga-replies";
    private IHost participant = null!;
    private RabbitMqProbe rabbitMq = null!;

    public async Task InitializeAsync()
    {
        rabbitMq = await RabbitMqProbe.ConnectAsync(fixture.RabbitMqUri);
        // The participant answers on its command channel; the "saga" side records the replies.
        participant = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None }, messaging => messaging
            .Handle<ProofRequest, ResponderHandler>()
            .HandleReply<ProofReply, RecordingHandler>(ReplyChannel), instance: "saga");
    }

    public async Task DisposeAsync()
    {
        await participant.StopAsync();
        participant.Dispose();
        await rabbitMq.DisposeAsync();
    }

    [Fact]
    public async Task A_command_with_a_reply_channel_is_answered_on_that_channel_with_its_correlation_id()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";
        var correlationId = Guid.NewGuid();

        await fixture.CommitAsync(outbox => [outbox.Send(new ProofRequest(key, 4), key, ReplyChannel, correlationId)]);

        await fixture.WaitUntilReceivedAsync(key, 1);
        var reply = (await fixture.ReceivedAsync(key)).Single();
        Assert.Equal(nameof(ProofReply), reply.MessageType);
        Assert.Equal(40, reply.Sequence);
        Assert.Equal(correlationId, reply.CorrelationId);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM outbox WHERE message_type = 'ProofReply' AND channel = '{ReplyChannel}' AND correlation_id = '{correlationId}'"));
    }

    [Fact]
    public async Task A_handler_that_wrote_to_the_outbox_and_then_threw_sends_nothing_and_its_command_goes_to_the_error_queue()
    {
        var key = $"k{Guid.NewGuid().ToString("N")[..8]}";

        var id = (await fixture.CommitAsync(outbox => [outbox.Send(new ProofRequest(key, -1), key, ReplyChannel)])).Single();

        var (_, headers) = await rabbitMq.WaitForMessageAsync(fixture.Options.ChannelPrefix + "proof-service-commands_error",
            (_, h) => h["MessageId"] == id.ToString());
        Assert.Contains("Responder failed after writing to the outbox", headers["MT-Fault-Message"]);
        // Every attempt's event and reply were rolled back with it: the only row of the key is the command.
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_key = '{key}'"));
        Assert.Empty(await fixture.ReceivedAsync(key));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM processed_messages WHERE message_id = '{id}'"));
    }
}
