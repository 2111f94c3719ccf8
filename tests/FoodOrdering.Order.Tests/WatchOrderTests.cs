using System.Data.Common;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.Grpc.Contracts.Order.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Order.Persistence;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FoodOrdering.Order.Tests;

/// <summary>The Order service with a count of the SQL statements that read the orders table.</summary>
public sealed class CountingOrderServiceFactory : OrderServiceFactory
{
    public OrderReads Reads { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureDbContext<OrderDbContext>(options => options.AddInterceptors(Reads)));
    }
}

/// <summary>Counts every query of the Order service's DbContext that reads the orders table.</summary>
public sealed class OrderReads : DbCommandInterceptor
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("FROM orders", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref count);
        }
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>
/// ftgo.order.v1.OrderService/WatchOrder (server streaming) in-process, with the test playing the saga's
/// participants: a watcher sees each state as CreateOrderSaga commits it, pushed (LISTEN/NOTIFY, fanned out
/// in memory), not polled; many watchers cost the database nothing each; deadline and cancel end the call
/// and release the watcher's subscription.
/// </summary>
public sealed class WatchOrderTests(CountingOrderServiceFactory service) : IClassFixture<CountingOrderServiceFactory>
{
    private readonly SagaParticipants participants = service.Participants();

    [Fact]
    public async Task A_watcher_sees_APPROVAL_PENDING_then_APPROVED_and_the_stream_ends()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 61);
        using var channel = Channel();
        using var watch = new OrderService.OrderServiceClient(channel)
            .WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddMinutes(2));

        Assert.Equal("APPROVAL_PENDING", await NextStateAsync(watch, orderId));
        await ApproveAsync(orderId, consumerId: 61);

        Assert.Equal("APPROVED", await NextStateAsync(watch, orderId));
        Assert.False(await watch.ResponseStream.MoveNext(CancellationToken.None)); // a settled order: the call ends
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_watchers_all_see_the_change_and_the_database_is_not_read_per_watcher()
    {
        const int watchers = 50;
        var orderId = await service.PlaceOrderAsync(consumerId: 62);
        using var channel = Channel();
        var client = new OrderService.OrderServiceClient(channel);
        var calls = Enumerable.Range(0, watchers)
            .Select(_ => client.WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddMinutes(2)))
            .ToList();
        try
        {
            foreach (var call in calls)
            {
                Assert.Equal("APPROVAL_PENDING", await NextStateAsync(call, orderId));
            }
            var readsBefore = service.Reads.Count; // each watcher has read its order once by now

            await ApproveAsync(orderId, consumerId: 62);
            var seen = await Task.WhenAll(calls.Select(async call => (await NextStateAsync(call, orderId), await call.ResponseStream.MoveNext(CancellationToken.None))));

            Assert.All(seen, s => Assert.Equal(("APPROVED", false), s));
            // The saga reads the order for its own steps (a handful of queries); 50 watchers polling would
            // read it at least 50 more times.
            var readsDuringTheChange = service.Reads.Count - readsBefore;
            Assert.True(readsDuringTheChange < watchers / 5, $"{readsDuringTheChange} reads of the orders table while {watchers} watchers waited for one change");
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_change_committed_by_another_process_reaches_the_watcher()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 63);
        using var channel = Channel();
        using var watch = new OrderService.OrderServiceClient(channel)
            .WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddMinutes(2));
        Assert.Equal("APPROVAL_PENDING", await NextStateAsync(watch, orderId));

        // Another Order instance (here: a plain SQL session) commits the change; the NOTIFY reaches this one.
        await service.Database.ScalarAsync<int>(
            $"UPDATE orders SET state = 'REJECTED', rejection_reason = 'by hand', version = version + 1 WHERE id = {orderId} RETURNING version");

        Assert.Equal("REJECTED", await NextStateAsync(watch, orderId));
        Assert.False(await watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task The_clients_deadline_ends_the_stream_and_releases_the_watcher()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 64);
        using var channel = Channel();
        using var watch = new OrderService.OrderServiceClient(channel)
            .WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddSeconds(3));
        Assert.Equal("APPROVAL_PENDING", await NextStateAsync(watch, orderId));

        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));

        // Both ends keep the deadline: the client's timer reports DEADLINE_EXCEEDED, unless the server's timer
        // aborted the in-memory TestServer stream first, which the client then sees as UNAVAILABLE.
        Assert.Contains(ended.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Unavailable });
        await WaitForNoWatcherAsync();
    }

    [Fact]
    public async Task Cancelling_the_call_ends_the_stream_and_releases_the_watcher()
    {
        var orderId = await service.PlaceOrderAsync(consumerId: 65);
        using var channel = Channel();
        using var cancel = new CancellationTokenSource();
        using var watch = new OrderService.OrderServiceClient(channel)
            .WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: cancel.Token);
        Assert.Equal("APPROVAL_PENDING", await NextStateAsync(watch, orderId));
        Assert.Equal(1, service.Services.GetRequiredService<OrderChangeFeed>().SubscriberCount);

        await cancel.CancelAsync();

        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        await WaitForNoWatcherAsync();
    }

    [Fact]
    public async Task An_unknown_order_is_NOT_FOUND_and_a_bad_id_INVALID_ARGUMENT()
    {
        using var channel = Channel();
        var client = new OrderService.OrderServiceClient(channel);

        async Task<StatusCode> StatusOfAsync(long orderId)
        {
            using var watch = client.WatchOrder(new WatchOrderRequest { OrderId = orderId }, deadline: DateTime.UtcNow.AddSeconds(30));
            return (await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None))).StatusCode;
        }

        Assert.Equal(StatusCode.NotFound, await StatusOfAsync(987654321));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOfAsync(0));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOfAsync(-5));
        await WaitForNoWatcherAsync();
    }

    private GrpcChannel Channel() =>
        GrpcChannel.ForAddress(service.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = service.Server.CreateHandler() });

    private static async Task<string> NextStateAsync(AsyncServerStreamingCall<OrderStateChanged> call, long orderId)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended early");
        Assert.Equal(orderId, call.ResponseStream.Current.OrderId);
        return call.ResponseStream.Current.State;
    }

    /// <summary>Every participant agrees, as in <see cref="OrderServiceFactory.ApprovedOrderAsync"/>, without reading the order.</summary>
    private async Task ApproveAsync(long orderId, long consumerId)
    {
        await participants.ReplyAsync(await participants.ExpectAsync<ValidateOrderByConsumer>(orderId), new ConsumerVerified(consumerId, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<CreateTicket>(orderId), new TicketCreated(orderId, 79));
        await participants.ReplyAsync(await participants.ExpectAsync<AuthorizeCard>(orderId), new CardAuthorized(consumerId, orderId, 89, "24.68"));
        await participants.ReplyAsync(await participants.ExpectAsync<ConfirmCreateTicket>(orderId), new TicketCreationConfirmed(orderId, 79));
    }

    private Task WaitForNoWatcherAsync() =>
        Wait.UntilAsync(_ => Task.FromResult(service.Services.GetRequiredService<OrderChangeFeed>().SubscriberCount == 0), TimeSpan.FromSeconds(30),
            "every watcher's subscription to be released", CancellationToken.None);
}
