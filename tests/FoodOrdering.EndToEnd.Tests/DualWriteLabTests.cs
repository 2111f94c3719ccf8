using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Npgsql;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// Workshop lab 10's switch, between the real Consumer and Accounting processes on the shared broker: a naive
/// dual write loses the event when the broker is down (commit, then publish) and publishes a ghost when the
/// commit fails after the publish (publish, then commit); switched off, the transactional outbox does neither.
/// "Broker down" is the lab's port where nothing listens (the shared broker stays up for everybody else), and
/// the failed commit a deferred constraint PostgreSQL checks at COMMIT (DualWriteLab).
/// </summary>
public sealed class DualWriteLabTests
{
    private const string Lab = "/_admin/labs/dual-write";

    [Fact]
    public async Task A_naive_dual_write_loses_an_event_or_publishes_a_ghost_and_the_outbox_does_neither()
    {
        await using var test = await TestSystem.StartAsync(["consumer", "accounting"], faultsEnabled: true);
        using var consumers = new HttpClient { BaseAddress = new Uri(test.Service("consumer").BaseUrl) };
        using var accounting = new HttpClient { BaseAddress = new Uri(test.Service("accounting").BaseUrl) };
        await Wait.UntilAsync(async ct => (await accounting.GetFromJsonAsync<JsonNode>("/health", ct))!["checks"]!["message-bus"]!["status"]!.GetValue<string>() == "Healthy",
            TimeSpan.FromSeconds(60), "the Accounting service's message bus to be running", CancellationToken.None);
        // What reaches consumer-events, whoever publishes it: a queue of our own beside Accounting's.
        await using var rabbitMq = await RabbitMqProbe.ConnectAsync(test.System.RabbitMqUri);
        var watch = await rabbitMq.WatchExchangeAsync(test.ChannelPrefix + Channels.ConsumerEvents);
        var published = new List<JsonNode>();
        async Task<JsonNode> WaitForEventAsync(string firstName)
        {
            await Wait.UntilAsync(async _ =>
                {
                    published.AddRange((await rabbitMq.TakeAllAsync(watch)).Select(m => JsonNode.Parse(m.Body)!));
                    return published.Any(e => e["firstName"]!.GetValue<string>() == firstName);
                },
                TimeSpan.FromSeconds(30), $"ConsumerCreated of {firstName} on consumer-events", CancellationToken.None);
            return published.Single(e => e["firstName"]!.GetValue<string>() == firstName);
        }
        Task<HttpResponseMessage> SignUpAsync(string firstName) =>
            consumers.PostAsJsonAsync("/v1/consumers", new { name = new { firstName, lastName = "Lab" } });
        Task WaitForAccountAsync(long consumerId) =>
            Wait.UntilAsync(async ct => (await accounting.GetAsync($"/v1/accounts/{consumerId}", ct)).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), $"the account of consumer {consumerId}", CancellationToken.None, () => test.Explain("consumer", "accounting"));

        Assert.Equal("""{"mode":"TransactionalOutbox","brokerDown":false}""", (await consumers.GetFromJsonAsync<JsonNode>(Lab))!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, (await consumers.PostAsJsonAsync(Lab, new { mode = "TransactionalOutbox", brokerDown = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await consumers.PostAsJsonAsync(Lab, new { mode = "SaveAndHope" })).StatusCode);

        // (a) Commit, then publish, with the broker down: 201, the consumer exists, no outbox row will ever send its event.
        (await consumers.PostAsJsonAsync(Lab, new { mode = "CommitThenPublish", brokerDown = true })).EnsureSuccessStatusCode();
        using var lost = await SignUpAsync("Lost");
        Assert.Equal(HttpStatusCode.Created, lost.StatusCode);
        var lostId = (await lost.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.OK, (await consumers.GetAsync($"/v1/consumers/{lostId}")).StatusCode);
        Assert.Equal(0L, await OutboxRowsAsync(test, lostId));

        // (b) Publish, then commit, which the database refuses: the sign-up fails, the consumer does not exist, its account does.
        (await consumers.PostAsJsonAsync(Lab, new { mode = "PublishThenCommit" })).EnsureSuccessStatusCode();
        using var ghost = await SignUpAsync("Ghost");
        Assert.Equal(HttpStatusCode.InternalServerError, ghost.StatusCode);
        var ghostId = (await WaitForEventAsync("Ghost"))["consumerId"]!.GetValue<long>();
        Assert.Contains($"Consumer {ghostId} was not saved", (await ghost.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        await WaitForAccountAsync(ghostId);
        Assert.Equal(HttpStatusCode.NotFound, (await consumers.GetAsync($"/v1/consumers/{ghostId}")).StatusCode);
        Assert.Equal(0L, await OutboxRowsAsync(test, ghostId));

        // Publishing first with the broker down: the publish fails before anything commits (neither a consumer nor an event).
        (await consumers.PostAsJsonAsync(Lab, new { mode = "PublishThenCommit", brokerDown = true })).EnsureSuccessStatusCode();
        using var refused = await SignUpAsync("Refused");
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);

        // (c) Off: the outbox. The consumer, its outbox row and its event, and the account.
        Assert.Equal(HttpStatusCode.NoContent, (await consumers.DeleteAsync(Lab)).StatusCode);
        Assert.Equal("TransactionalOutbox", (await consumers.GetFromJsonAsync<JsonNode>(Lab))!["mode"]!.GetValue<string>());
        using var outboxed = await SignUpAsync("Outboxed");
        Assert.Equal(HttpStatusCode.Created, outboxed.StatusCode);
        var outboxedId = (await outboxed.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
        Assert.Equal(1L, await OutboxRowsAsync(test, outboxedId));
        await WaitForEventAsync("Outboxed");
        await WaitForAccountAsync(outboxedId);

        // The lost event: never on consumer-events (a later one is), so its account was never opened.
        Assert.DoesNotContain(published, e => e["consumerId"]!.GetValue<long>() == lostId);
        Assert.DoesNotContain(published, e => e["firstName"]!.GetValue<string>() == "Refused");
        Assert.Equal(0L, await ScalarAsync(test, "SELECT count(*) FROM consumers WHERE first_name = 'Refused'"));
        Assert.Equal(HttpStatusCode.NotFound, (await accounting.GetAsync($"/v1/accounts/{lostId}")).StatusCode);
    }

    private static Task<long> OutboxRowsAsync(TestSystem test, long consumerId) =>
        ScalarAsync(test, $"SELECT count(*) FROM outbox WHERE message_key = '{consumerId}'");

    /// <summary>A count from the Consumer service's own database.</summary>
    private static async Task<long> ScalarAsync(TestSystem test, string sql)
    {
        await using var connection = new NpgsqlConnection(test.System.ConnectionString(test.Service("consumer").Definition));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
