using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging.Sagas;
using FoodOrdering.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// The saga orchestrator (shared/FoodOrdering.Messaging/Sagas) over real PostgreSQL and RabbitMQ, with
/// <see cref="ProofOrderSaga"/> and its made-up participants: every step advanced by a reply on the
/// saga's reply channel, compensation in reverse on each kind of failure, the start in the caller's
/// transaction, and replies that match no waiting step ignored.
/// </summary>
public sealed class SagaProofs(LogTailingRelayFixture fixture) : IClassFixture<LogTailingRelayFixture>, IAsyncLifetime
{
    private static readonly ProofOrderSaga Definition = new();
    private IHost service = null!;

    public async Task InitializeAsync() =>
        // One process plays the orchestrating service and the participants (the fixture's own service relays the outbox).
        service = await fixture.StartServiceAsync(fixture.Options with { Relay = RelayKind.None }, messaging => messaging
            .AddSaga<ProofOrderSaga, ProofOrderData>()
            .Handle<ReserveProofCredit, ProofCreditHandler>()
            .Handle<ReleaseProofCredit, ProofCreditHandler>()
            .Handle<ShipProofOrder, ProofShippingHandler>()
            .Handle<ProofOrderNotification, ProofNotificationHandler>(), instance: "saga");

    public async Task DisposeAsync()
    {
        await service.StopAsync();
        service.Dispose();
    }

    [Fact]
    public async Task A_saga_whose_participants_agree_runs_every_step_and_notifies_one_way()
    {
        var key = await PlaceOrderAsync(amount: 50);

        var order = await WaitForOutcomeAsync(key);
        Assert.Equal("APPROVED", order.State);
        Assert.Equal($"T-{key}", order.TrackingNumber); // kept from a reply, used by a later step
        Assert.Equal(["ReserveProofCredit", "ShipProofOrder", "ProofOrderNotification"], await HandledAsync(key));
        var saga = await SagaOfAsync(key);
        Assert.Equal(SagaStatus.Succeeded, saga.Status);
        // Every command named the saga's reply queue of this key, and carried the saga's id as correlation id.
        var requests = (await fixture.ReceivedAsync(key)).Where(r => r.MessageType != nameof(ProofOrderNotification)).ToList();
        Assert.All(requests, r => Assert.Equal(Definition.ReplyChannelFor(key), r.Consumer));
        Assert.All(await fixture.ReceivedAsync(key), r => Assert.Equal(saga.Id, r.CorrelationId));
        // The notification is one-way: it named no reply channel.
        Assert.Equal("", (await fixture.ReceivedAsync(key)).Single(r => r.MessageType == nameof(ProofOrderNotification)).Consumer);
    }

    [Fact]
    public async Task A_refusal_at_the_first_remote_step_compensates_only_the_local_step_before_it()
    {
        var key = await PlaceOrderAsync(amount: 150);

        var order = await WaitForOutcomeAsync(key);
        Assert.Equal("REJECTED", order.State);
        Assert.Equal("credit limit exceeded", order.Reason);
        Assert.Equal(["ReserveProofCredit"], await HandledAsync(key)); // nothing to release: the reservation was refused
        Assert.Equal(SagaStatus.Failed, (await SagaOfAsync(key)).Status);
    }

    [Fact]
    public async Task A_refusal_at_a_later_step_compensates_the_earlier_steps_in_reverse()
    {
        var key = await PlaceOrderAsync(amount: 13);

        var order = await WaitForOutcomeAsync(key);
        Assert.Equal("REJECTED", order.State);
        Assert.Equal("no courier", order.Reason);
        Assert.Equal(["ReserveProofCredit", "ShipProofOrder", "ReleaseProofCredit"], await HandledAsync(key));
        var saga = await SagaOfAsync(key);
        Assert.Equal(SagaStatus.Failed, saga.Status);
        Assert.Equal("no courier", saga.FailureReason);
    }

    [Fact]
    public async Task A_domain_rule_broken_in_a_local_step_fails_the_saga_like_a_refusal()
    {
        var key = await PlaceOrderAsync(amount: 7);

        var order = await WaitForOutcomeAsync(key);
        Assert.Equal("REJECTED", order.State);
        Assert.Equal("seven is an unlucky amount", order.Reason);
        Assert.Equal(["ReserveProofCredit", "ShipProofOrder", "ReleaseProofCredit"], await HandledAsync(key));
    }

    [Fact]
    public async Task A_saga_starts_in_the_callers_transaction_so_a_failed_business_change_starts_nothing()
    {
        var key = await PlaceOrderAsync(amount: 50);
        await WaitForOutcomeAsync(key);

        // The same order key again: the order's insert fails, and with it the saga instance and its first command.
        await Assert.ThrowsAsync<DbUpdateException>(() => PlaceOrderAsync(amount: 60, key));

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_key = '{key}'"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM outbox WHERE message_type = 'ReserveProofCredit' AND message_key = '{key}'"));
    }

    [Fact]
    public async Task A_reply_for_no_saga_or_for_a_finished_one_is_logged_counted_and_ignored()
    {
        using var metrics = new MeterRecorder(service.Services.GetRequiredService<MessagingMetrics>().Meter);
        var key = await PlaceOrderAsync(amount: 50);
        await WaitForOutcomeAsync(key);
        var saga = await SagaOfAsync(key);

        // A late duplicate of a reply the saga already used, with a new message id (the inbox cannot catch it) ...
        await fixture.InsertOutboxRowAsync(Definition.ReplyChannelFor(key), nameof(ProofOrderShipped), key,
            $$"""{"orderKey":"{{key}}","trackingNumber":"LATE"}""", correlationId: saga.Id);
        // ... and a reply whose correlation id matches no saga.
        var nobody = Guid.NewGuid();
        await fixture.InsertOutboxRowAsync(Definition.ReplyChannelFor(key), nameof(ProofCreditReserved), key, $$"""{"orderKey":"{{key}}"}""",
            correlationId: nobody);

        await Wait.UntilAsync(_ => Task.FromResult(
                fixture.Logs.Entries.Any(e => e.Message.Contains($"{saga.Id} ignored: the saga has Succeeded"))
                && fixture.Logs.Entries.Any(e => e.Message.Contains($"{nobody} ignored: no such saga"))),
            TimeSpan.FromSeconds(30), "both replies to be logged as ignored", CancellationToken.None);
        var after = await SagaOfAsync(key);
        Assert.Equal((saga.Status, saga.Step, saga.Version), (after.Status, after.Step, after.Version));
        Assert.Equal($"T-{key}", (await WaitForOutcomeAsync(key)).TrackingNumber);
        // What an operator sees without reading logs (at least: replies left on the queues by earlier tests count too).
        Assert.True(metrics.Total("ftgo.saga.replies.ignored") >= 2, $"ftgo.saga.replies.ignored = {metrics.Total("ftgo.saga.replies.ignored")}");
    }

    [Fact]
    public async Task Sagas_of_different_keys_use_several_reply_queues_and_all_finish()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => PlaceOrderAsync(amount: i % 4 == 0 ? 13 : 20)));

        foreach (var key in keys)
        {
            await WaitForOutcomeAsync(key);
        }
        await using var db = fixture.NewDbContext();
        var orders = await db.ProofOrders.Where(o => keys.Contains(o.OrderKey)).ToListAsync();
        Assert.Equal(30, orders.Count(o => o.State == "APPROVED"));
        Assert.Equal(10, orders.Count(o => o.State == "REJECTED"));
        Assert.True(keys.Select(Definition.ReplyChannelFor).Distinct().Count() > 4, "40 keys should spread over the 8 reply queues");
    }

    /// <summary>What a service does: the order and its saga (instance and first command) in one SaveChanges.</summary>
    private async Task<string> PlaceOrderAsync(int amount, string? key = null)
    {
        key ??= $"o{Guid.NewGuid().ToString("N")[..10]}";
        await using var scope = service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProofDbContext>();
        db.ProofOrders.Add(new ProofOrder { OrderKey = key, Amount = amount });
        await scope.ServiceProvider.GetRequiredService<SagaOrchestrator<ProofOrderSaga, ProofOrderData>>()
            .StartAsync(new ProofOrderData { OrderKey = key, Amount = amount }, key);
        await db.SaveChangesAsync();
        return key;
    }

    private async Task<ProofOrder> WaitForOutcomeAsync(string key)
    {
        ProofOrder? order = null;
        await Wait.UntilAsync(async _ =>
            {
                await using var db = fixture.NewDbContext();
                order = await db.ProofOrders.AsNoTracking().SingleAsync(o => o.OrderKey == key);
                var saga = await db.Set<SagaInstance>().AsNoTracking().SingleAsync(s => s.Key == key);
                return order.State != "PENDING" && saga.IsFinished;
            },
            TimeSpan.FromSeconds(60), $"order {key} to be approved or rejected", CancellationToken.None);
        return order!;
    }

    private async Task<SagaInstance> SagaOfAsync(string key)
    {
        await using var db = fixture.NewDbContext();
        return await db.Set<SagaInstance>().AsNoTracking().SingleAsync(s => s.Key == key);
    }

    private async Task<string[]> HandledAsync(string key)
    {
        // The notification comes after the approval: wait until what the saga sent has all been handled.
        await Wait.UntilAsync(async _ => await fixture.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM outbox WHERE message_key = '{key}' AND channel NOT LIKE '%-saga-replies-p%'") == (await fixture.ReceivedAsync(key)).Count,
            TimeSpan.FromSeconds(30), $"every command of {key} to be handled", CancellationToken.None);
        return [.. (await fixture.ReceivedAsync(key)).Select(r => r.MessageType)];
    }
}
