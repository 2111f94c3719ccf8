using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Accounting.Tests;

/// <summary>
/// The Accounting service as a saga participant, against real PostgreSQL and RabbitMQ: each command sent to
/// accounting-service-commands gets the right reply on the reply channel it names, with its correlation id;
/// the database changes as it should and the account events are published; duplicates and stale commands
/// change nothing; each rule that declines gives a failure reply with its reason.
/// (The service's default single-authorization limit is 100.00 here.)
/// </summary>
public sealed class AccountingHandlersTests(AccountingServiceFactory service) : IClassFixture<AccountingServiceFactory>, IAsyncLifetime
{
    private readonly HttpClient client = service.CreateClient();
    private SagaSide saga = null!;

    public async Task InitializeAsync() => saga = await SagaSide.StartAsync(service.NewDbContext, service.RabbitMqUri, service.ChannelPrefix, Channels.AccountEvents);

    public async Task DisposeAsync() => await saga.DisposeAsync();

    [Fact]
    public async Task ConsumerCreated_opens_an_account_with_the_default_limit_once_whatever_the_message_id()
    {
        var consumerId = NewId();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/accounts/{consumerId}")).StatusCode);

        await saga.PublishAsync(new ConsumerCreated(consumerId, "Ada", "Lovelace", "500.00"), consumerId);
        var opened = await saga.Events.WaitForAsync((_, h) => h["ftgo-message-type"] == nameof(AccountOpened) && h["ftgo-message-key"] == consumerId.ToString());
        Assert.Equal("100.00", JsonNode.Parse(opened.Body)!["singleAuthorizationLimit"]!.GetValue<string>());
        var account = await AccountAsync(consumerId);
        Assert.False(account["disabled"]!.GetValue<bool>());
        Assert.Equal("100.00", account["singleAuthorizationLimit"]!.GetValue<string>());
        Assert.Empty(account["authorizations"]!.AsArray());

        // The same event again with a new message id (a republished sign-up): the account stays as it is, no second AccountOpened.
        await UpdateAccountAsync(consumerId, """{"singleAuthorizationLimit":"55.00"}""");
        await saga.PublishAsync(new ConsumerCreated(consumerId, "Ada", "Lovelace", "500.00"), consumerId);
        await WaitUntilProcessedAsync("accounting.open-account", 2, consumerId);
        Assert.Equal("55.00", (await AccountAsync(consumerId))["singleAuthorizationLimit"]!.GetValue<string>());
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountOpened), consumerId));
    }

    [Fact]
    public async Task Opening_the_account_continues_the_sign_ups_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var statements = new ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    statements.Add(string.Join(" ", activity.TagObjects.Select(t => t.Value?.ToString())) + " " + activity.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var consumerId = NewId();

        // The sign-up's trace, as the Consumer service's request would carry it into its outbox row.
        using (var signUp = new Activity("sign-up").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            await saga.PublishAsync(new ConsumerCreated(consumerId, "Ada", "Lovelace", "500.00"), consumerId);
        }

        // The handler's INSERT of the account runs in that trace, in this other service.
        await Wait.UntilAsync(_ => Task.FromResult(statements.Any(s => s.Contains("INSERT INTO accounts"))), TimeSpan.FromSeconds(30),
            "the account's INSERT to be traced in the sign-up's trace", CancellationToken.None);
    }

    [Fact]
    public async Task AuthorizeCard_within_the_limit_replies_CardAuthorized_with_its_correlation_id_stores_it_and_publishes_AccountCardAuthorized()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();

        var correlationId = await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId);

        var (type, reply) = await saga.ReplyAsync(correlationId);
        Assert.Equal(nameof(CardAuthorized), type);
        Assert.Equal(orderId, reply["orderId"]!.GetValue<long>());
        Assert.Equal(consumerId, reply["consumerId"]!.GetValue<long>());
        Assert.Equal("12.34", reply["amount"]!.GetValue<string>());
        var authorizationId = reply["authorizationId"]!.GetValue<long>();
        var stored = Assert.Single((await AccountAsync(consumerId))["authorizations"]!.AsArray())!;
        Assert.Equal((authorizationId, orderId, "12.34", "AUTHORIZED"),
            (stored["authorizationId"]!.GetValue<long>(), stored["orderId"]!.GetValue<long>(), stored["amount"]!.GetValue<string>(), stored["state"]!.GetValue<string>()));
        var (body, headers) = await saga.Events.WaitForAsync((_, h) => h["ftgo-message-type"] == nameof(AccountCardAuthorized) && h["ftgo-message-key"] == consumerId.ToString());
        Assert.Equal(authorizationId, JsonNode.Parse(body)!["authorizationId"]!.GetValue<long>());
        Assert.Equal(orderId, JsonNode.Parse(body)!["orderId"]!.GetValue<long>());
    }

    [Fact]
    public async Task Duplicate_AuthorizeCard_with_a_new_message_id_charges_once_and_answers_the_same_authorization()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        var first = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        // A saga retry: the same order, a new message id, even another amount. The stored outcome answers.
        var again = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));
        var changed = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "50.00"), orderId));

        Assert.All(new[] { first, again, changed }, r => Assert.Equal(nameof(CardAuthorized), r.Type));
        Assert.Equal(first.Body.ToJsonString(), again.Body.ToJsonString());
        Assert.Equal(first.Body.ToJsonString(), changed.Body.ToJsonString());
        Assert.Single((await AccountAsync(consumerId))["authorizations"]!.AsArray());
        Assert.Equal(1L, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM authorizations WHERE order_id = {orderId}"));
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountCardAuthorized), consumerId));
    }

    [Fact]
    public async Task AuthorizeCard_for_a_disabled_account_is_declined_with_the_reason_and_stays_declined_for_that_order()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        var disabled = await UpdateAccountAsync(consumerId, """{"disabled":true}""");
        Assert.True(disabled["disabled"]!.GetValue<bool>());

        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        Assert.Equal(nameof(CardAuthorizationFailed), type);
        Assert.Equal($"The account of consumer {consumerId} is disabled.", reply["reason"]!.GetValue<string>());
        var failed = await saga.Events.WaitForAsync((_, h) => h["ftgo-message-type"] == nameof(AccountCardAuthorizationFailed) && h["ftgo-message-key"] == consumerId.ToString());
        Assert.Contains("is disabled", JsonNode.Parse(failed.Body)!["reason"]!.GetValue<string>());
        Assert.Equal("DECLINED", (await AccountAsync(consumerId))["authorizations"]![0]!["state"]!.GetValue<string>());

        // The order's outcome is decided: enabling the account later does not turn a retry into a charge.
        await UpdateAccountAsync(consumerId, """{"disabled":false}""");
        var (retryType, retry) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));
        Assert.Equal(nameof(CardAuthorizationFailed), retryType);
        Assert.Equal(reply["reason"]!.GetValue<string>(), retry["reason"]!.GetValue<string>());
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountCardAuthorizationFailed), consumerId));
    }

    [Fact]
    public async Task AuthorizeCard_over_the_accounts_single_authorization_limit_is_declined_with_the_reason()
    {
        var consumerId = await OpenAccountAsync();
        await UpdateAccountAsync(consumerId, """{"singleAuthorizationLimit":"10.00"}""");
        var orderId = NewId();

        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        Assert.Equal(nameof(CardAuthorizationFailed), type);
        Assert.Equal($"The amount 12.34 exceeds the single-authorization limit 10.00 of consumer {consumerId}'s account.", reply["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizeCard_for_a_consumer_without_an_account_or_with_a_malformed_total_is_declined()
    {
        var orderId = NewId();
        var unknown = NewId();
        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(unknown, orderId, "12.34"), orderId));
        Assert.Equal(nameof(CardAuthorizationFailed), type);
        Assert.Equal($"Consumer {unknown} has no account.", reply["reason"]!.GetValue<string>());

        var consumerId = await OpenAccountAsync();
        var malformedOrder = NewId();
        var (malformedType, malformed) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, malformedOrder, "12.345"), malformedOrder));
        Assert.Equal(nameof(CardAuthorizationFailed), malformedType);
        Assert.Contains("'12.345' is not an amount of money", malformed["reason"]!.GetValue<string>());
        Assert.Equal(0L, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM authorizations WHERE order_id = {malformedOrder}"));
    }

    [Fact]
    public async Task ReverseAuthorization_releases_the_amount_once_and_a_repeat_replies_success_without_a_second_event()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        var authorized = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        var correlationId = await saga.SendAsync(new ReverseAuthorization(consumerId, orderId), orderId);
        var (type, reply) = await saga.ReplyAsync(correlationId);
        var (repeatType, _) = await saga.ReplyAsync(await saga.SendAsync(new ReverseAuthorization(consumerId, orderId), orderId));

        Assert.Equal(nameof(AuthorizationReversed), type);
        Assert.Equal(nameof(AuthorizationReversed), repeatType);
        Assert.Equal(orderId, reply["orderId"]!.GetValue<long>());
        Assert.Equal("REVERSED", (await AccountAsync(consumerId))["authorizations"]![0]!["state"]!.GetValue<string>());
        var reversed = await saga.Events.WaitForAsync((_, h) => h["ftgo-message-type"] == nameof(AccountAuthorizationReversed) && h["ftgo-message-key"] == consumerId.ToString());
        Assert.Equal(authorized.Body["authorizationId"]!.GetValue<long>(), JsonNode.Parse(reversed.Body)!["authorizationId"]!.GetValue<long>());
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountAuthorizationReversed), consumerId));
    }

    [Fact]
    public async Task A_stale_AuthorizeCard_after_the_reversal_charges_nothing_and_answers_CardAuthorizationFailed()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));
        await saga.ReplyAsync(await saga.SendAsync(new ReverseAuthorization(consumerId, orderId), orderId));

        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        Assert.Equal(nameof(CardAuthorizationFailed), type);
        Assert.Equal($"The authorization of order {orderId} was reversed; it is not charged again.", reply["reason"]!.GetValue<string>());
        Assert.Equal("REVERSED", Assert.Single((await AccountAsync(consumerId))["authorizations"]!.AsArray())!["state"]!.GetValue<string>());
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountCardAuthorized), consumerId));
    }

    [Fact]
    public async Task ReverseAuthorization_before_any_AuthorizeCard_replies_success_and_a_later_AuthorizeCard_cannot_charge_the_order()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();

        var (type, _) = await saga.ReplyAsync(await saga.SendAsync(new ReverseAuthorization(consumerId, orderId), orderId));
        var (lateType, late) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        Assert.Equal(nameof(AuthorizationReversed), type);
        Assert.Equal(nameof(CardAuthorizationFailed), lateType);
        Assert.Contains("was reversed", late["reason"]!.GetValue<string>());
        Assert.Equal(0L, await OutboxCountAsync(nameof(AccountAuthorizationReversed), consumerId));
        Assert.Equal(0L, await OutboxCountAsync(nameof(AccountCardAuthorized), consumerId));
    }

    [Fact]
    public async Task ReviseAuthorization_takes_a_new_amount_within_the_limit_once_and_refuses_one_over_it_keeping_the_old()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        var authorized = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));
        var authorizationId = authorized.Body["authorizationId"]!.GetValue<long>();

        var (type, revised) = await saga.ReplyAsync(await saga.SendAsync(new ReviseAuthorization(consumerId, orderId, "20.00"), orderId));
        var (againType, _) = await saga.ReplyAsync(await saga.SendAsync(new ReviseAuthorization(consumerId, orderId, "20.00"), orderId));
        var (overType, over) = await saga.ReplyAsync(await saga.SendAsync(new ReviseAuthorization(consumerId, orderId, "100.01"), orderId));

        Assert.Equal(nameof(AuthorizationRevised), type);
        Assert.Equal((authorizationId, "20.00"), (revised["authorizationId"]!.GetValue<long>(), revised["amount"]!.GetValue<string>()));
        Assert.Equal(nameof(AuthorizationRevised), againType);
        Assert.Equal(nameof(AuthorizationRevisionFailed), overType);
        Assert.Contains("exceeds the single-authorization limit 100.00", over["reason"]!.GetValue<string>());
        Assert.Equal("20.00", (await AccountAsync(consumerId))["authorizations"]![0]!["amount"]!.GetValue<string>());
        await saga.Events.WaitForAsync((_, h) => h["ftgo-message-type"] == nameof(AccountAuthorizationRevised) && h["ftgo-message-key"] == consumerId.ToString());
        Assert.Equal(1L, await OutboxCountAsync(nameof(AccountAuthorizationRevised), consumerId));
    }

    [Fact]
    public async Task ReviseAuthorization_of_an_order_without_an_authorization_or_a_reversed_one_is_refused()
    {
        var consumerId = await OpenAccountAsync();
        var orderId = NewId();
        var (type, reply) = await saga.ReplyAsync(await saga.SendAsync(new ReviseAuthorization(consumerId, orderId, "20.00"), orderId));
        Assert.Equal(nameof(AuthorizationRevisionFailed), type);
        Assert.Equal($"Order {orderId} holds no authorization.", reply["reason"]!.GetValue<string>());

        await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));
        await saga.ReplyAsync(await saga.SendAsync(new ReverseAuthorization(consumerId, orderId), orderId));
        var (reversedType, reversed) = await saga.ReplyAsync(await saga.SendAsync(new ReviseAuthorization(consumerId, orderId, "20.00"), orderId));
        Assert.Equal(nameof(AuthorizationRevisionFailed), reversedType);
        Assert.Contains("was reversed", reversed["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Updating_an_account_validates_the_body_and_404s_an_unknown_account()
    {
        var consumerId = await OpenAccountAsync();

        var bad = await client.PutAsync($"/v1/accounts/{consumerId}", Json("""{"singleAuthorizationLimit":"12.345"}"""));
        var empty = await client.PutAsync($"/v1/accounts/{consumerId}", Json("{}"));
        var unknown = await client.PutAsync($"/v1/accounts/{NewId()}", Json("""{"disabled":true}"""));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("singleAuthorizationLimit", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("100.00", (await AccountAsync(consumerId))["singleAuthorizationLimit"]!.GetValue<string>());
    }

    private async Task<long> OpenAccountAsync()
    {
        var consumerId = NewId();
        await saga.PublishAsync(new ConsumerCreated(consumerId, "Ada", "Lovelace", "500.00"), consumerId);
        await Wait.UntilAsync(async _ => (await client.GetAsync($"/v1/accounts/{consumerId}")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"the account of consumer {consumerId} to be opened", CancellationToken.None);
        return consumerId;
    }

    private async Task<JsonNode> AccountAsync(long consumerId) => (await client.GetFromJsonAsync<JsonNode>($"/v1/accounts/{consumerId}"))!;

    private async Task<JsonNode> UpdateAccountAsync(long consumerId, string body)
    {
        var response = await client.PutAsync($"/v1/accounts/{consumerId}", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private Task<long> OutboxCountAsync(string messageType, long key) =>
        service.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_type = '{messageType}' AND message_key = '{key}'");

    private Task WaitUntilProcessedAsync(string handler, int count, long consumerId) =>
        Wait.UntilAsync(async _ => await service.Database.ScalarAsync<long>($"SELECT count(*) FROM processed_messages WHERE handler = '{handler}' AND message_id IN (SELECT id FROM outbox WHERE message_key = '{consumerId}')") >= count,
            TimeSpan.FromSeconds(30), $"{count} messages handled by {handler}", CancellationToken.None);

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    internal static long NewId() => Random.Shared.NextInt64(1_000_000, 1_000_000_000_000);
}
