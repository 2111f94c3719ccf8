using System.Diagnostics;
using System.Text.Json.Nodes;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// Across the four real services: publish/async responses (GET /v1/consumers/{consumerId}/activity, one
/// query published, Order, Kitchen and Accounting each answering their part, gathered within the time
/// limit), and a grpc-js and a grpcio client each watching an order over ftgo.order.v1.OrderService/WatchOrder. The tests
/// that stop Kitchen start it again before they end, so the tests of this class share one system.
/// </summary>
public sealed class ConsumerActivityTests(WholeSystemFixture system) : IClassFixture<WholeSystemFixture>
{
    private OrderFlow Flow => system.Flow;

    [Fact]
    public async Task The_activity_of_a_consumer_gathers_the_orders_tickets_and_authorizations_of_all_three_services()
    {
        var consumerId = await Flow.SignUpWithAccountAsync();
        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));
        await Flow.WaitForOrderAsync(orderId, "APPROVED");

        // A part that answers later than the limit on a loaded machine is named missing: ask again until all three answered once.
        var activity = await ActivityUntilAsync(consumerId, a => Missing(a).Count == 0, "all three parts to answer");

        var order = Assert.Single(activity["orders"]!.AsArray())!;
        Assert.Equal((orderId, "APPROVED", "24.68"), (order["orderId"]!.GetValue<long>(), order["state"]!.GetValue<string>(), order["orderTotal"]!.GetValue<string>()));
        var ticket = Assert.Single(activity["tickets"]!.AsArray())!;
        Assert.Equal((orderId, await Flow.TicketIdAsync(orderId), "AWAITING_ACCEPTANCE"),
            (ticket["orderId"]!.GetValue<long>(), ticket["ticketId"]!.GetValue<long>(), ticket["state"]!.GetValue<string>()));
        var authorization = Assert.Single(activity["authorizations"]!.AsArray())!;
        Assert.Equal((orderId, "AUTHORIZED", "24.68"),
            (authorization["orderId"]!.GetValue<long>(), authorization["state"]!.GetValue<string>(), authorization["amount"]!.GetValue<string>()));
    }

    [Fact]
    public async Task With_Kitchen_stopped_the_activity_answers_within_the_time_limit_with_the_other_parts_and_names_kitchen_missing()
    {
        var consumerId = await Flow.SignUpWithAccountAsync();
        var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 1));
        await Flow.WaitForOrderAsync(orderId, "APPROVED");
        var kitchen = system.Test.Service("kitchen");
        await kitchen.Process.StopAsync(TimeSpan.FromSeconds(10));
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var activity = await ActivityUntilAsync(consumerId, a => Missing(a).SequenceEqual(["kitchen"]), "only kitchen to be missing");

            // Kitchen cannot answer at all, so an answer came only because the time limit (2 s) ended the wait.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60));
            Assert.Null(activity["tickets"]);
            Assert.Equal(orderId, Assert.Single(activity["orders"]!.AsArray())!["orderId"]!.GetValue<long>());
            Assert.Equal(orderId, Assert.Single(activity["authorizations"]!.AsArray())!["orderId"]!.GetValue<long>());
        }
        finally
        {
            await system.Test.System.RestartAsync(kitchen, CancellationToken.None);
        }
        // Back: the queries Kitchen missed are answered late (and discarded); a new request has all three again.
        await ActivityUntilAsync(consumerId, a => Missing(a).Count == 0, "all three parts to answer after Kitchen's restart");
    }

    /// <summary>Each non-.NET peer's watcher: grpc-js (npm) loads order.proto itself; grpcio (Debian) gets its descriptors.</summary>
    [Theory]
    [InlineData("grpc-js")]
    [InlineData("grpcio")]
    public async Task A_foreign_watcher_sees_APPROVAL_PENDING_then_APPROVED_and_the_stream_ends(string peer)
    {
        var consumerId = await Flow.SignUpWithAccountAsync();
        var kitchen = system.Test.Service("kitchen");
        await kitchen.Process.StopAsync(TimeSpan.FromSeconds(10)); // CreateOrderSaga waits for Kitchen: the order stays APPROVAL_PENDING
        ManagedProcess? watcher = null;
        using var descriptors = await InteropPeer.WriteDescriptorSetAsync(FoodOrdering.Grpc.Contracts.Order.V1.OrderReflection.Descriptor);
        var restarted = false;
        try
        {
            var orderId = await Flow.PlaceOrderAsync(consumerId, system.RestaurantId, ("1", 2));
            var address = new Uri(system.Test.Service("order").GrpcUrl).Authority;
            watcher = peer == "grpc-js"
                ? ManagedProcess.Start("watch_order", 35, "node", ["watch_order.js", address, orderId.ToString()], InteropPeer.Directory)
                : ManagedProcess.Start("watch_order", 35, InteropPeer.Python, ["watch_order.py", descriptors.Path, address, orderId.ToString()], InteropPeer.Directory);
            await Wait.UntilAsync(_ => Task.FromResult(watcher.RecentLines.Any(l => l.Contains("STATE APPROVAL_PENDING", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(60), $"the {peer} watcher to see APPROVAL_PENDING", CancellationToken.None, () => string.Join('\n', watcher.RecentLines));

            await system.Test.System.RestartAsync(kitchen, CancellationToken.None);
            restarted = true;

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await watcher.WaitForExitAsync(timeout.Token);
            var states = watcher.RecentLines.Where(l => l.Contains("STATE ", StringComparison.Ordinal) || l.Contains("END ", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf(l.Contains("STATE ", StringComparison.Ordinal) ? "STATE " : "END ", StringComparison.Ordinal)..])
                .ToList();
            Assert.Equal([$"STATE APPROVAL_PENDING (order {orderId})", $"STATE APPROVED (order {orderId})", "END OK"], states);
        }
        finally
        {
            if (watcher is not null)
            {
                await watcher.DisposeAsync();
            }
            if (!restarted)
            {
                await system.Test.System.RestartAsync(kitchen, CancellationToken.None);
            }
        }
    }

    private async Task<JsonNode> ActivityUntilAsync(long consumerId, Func<JsonNode, bool> done, string what)
    {
        JsonNode? activity = null;
        await Wait.UntilAsync(async _ =>
            {
                activity = await Flow.GetAsync("order", $"/v1/consumers/{consumerId}/activity");
                return done(activity);
            },
            TimeSpan.FromSeconds(90), what, CancellationToken.None, () => $"last answer: {activity}");
        return activity!;
    }

    private static List<string> Missing(JsonNode activity) => [.. activity["missing"]!.AsArray().Select(m => m!.GetValue<string>())];
}

/// <summary>
/// Two Order instances (as k8s/order.yaml runs them): whichever serves GET .../activity gathers every part,
/// although the replies' channel queue is consumed by one of them: each instance reads its own copy.
/// </summary>
public sealed class ConsumerActivityWithTwoOrderInstancesTests
{
    [Fact]
    public async Task Each_Order_instance_gathers_all_three_parts_of_the_requests_it_serves()
    {
        await using var test = await TestSystem.StartAsync(instances: new Dictionary<string, int> { ["order"] = 2 });
        using var flow = new OrderFlow(test);
        var restaurantId = await flow.OpenRestaurantAsync();
        var consumerId = await flow.SignUpWithAccountAsync();
        var orderId = await flow.PlaceOrderAsync(consumerId, restaurantId, ("1", 2));
        await flow.WaitForOrderAsync(orderId, "APPROVED");

        using var http = new HttpClient();
        Assert.Equal(2, test.Instances("order").Count);
        foreach (var order in test.Instances("order"))
        {
            JsonNode? activity = null;
            await Wait.UntilAsync(async _ =>
                {
                    activity = JsonNode.Parse(await http.GetStringAsync($"{order.BaseUrl}/v1/consumers/{consumerId}/activity"))!;
                    return activity["missing"]!.AsArray().Count == 0;
                },
                TimeSpan.FromSeconds(90), $"{order.Name} to gather all three parts", CancellationToken.None, () => $"last answer: {activity}");
            Assert.Equal(orderId, Assert.Single(activity!["tickets"]!.AsArray())!["orderId"]!.GetValue<long>());
        }
    }
}
