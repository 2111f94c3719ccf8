using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Messaging.Tests;

/// <summary>
/// Workshop lab 8's tool (tools/OrderingLab) as a process against the test broker: a paused instance on a
/// plain shared queue reorders one order's messages, the sharded channel keeps them in order, and the
/// tool leaves none of its queues on the broker (shared by every test assembly). A set-up that cannot
/// reorder (one instance) does not print the reordering, so the lab's expected lines can fail.
/// </summary>
public sealed partial class OrderingLabProofs
{
    [Fact]
    public async Task A_paused_instance_on_a_plain_shared_queue_reorders_one_orders_messages_and_the_sharded_channel_does_not()
    {
        var output = await RunLabAsync("--pause-ms", "2000");

        Assert.Contains("plain shared queue: order 1001 handled 2,3,4,5,1 -> REORDERED", output);
        Assert.Contains("sharded channel: order 1001 handled 1,2,3,4,5 -> in order", output);
        var named = RunName().Match(output);
        Assert.True(named.Success, output);
        var run = named.Groups["run"].Value;
        await using var rabbitMq = await RabbitMqProbe.ConnectAsync(await TestInfrastructure.RabbitMqUriAsync());
        foreach (var queue in (string[])[$"{run}-plain", .. Enumerable.Range(0, 4).Select(k => $"{run}-orders-p{k}")])
        {
            Assert.Null(await rabbitMq.MessageCountAsync(queue));
        }
    }

    [Fact]
    public async Task With_one_instance_the_plain_shared_queue_keeps_the_order()
    {
        var output = await RunLabAsync("--pause-ms", "500", "--instances", "1");

        Assert.Contains("plain shared queue: order 1001 handled 1,2,3,4,5 -> in order", output);
    }

    private static async Task<string> RunLabAsync(params string[] arguments)
    {
        // The tool's own deadline ends it (exit code 2, which fails the test) well before this one.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await Tool.RunAsync("dotnet",
            [SystemCatalog.BuiltAssembly("tools/OrderingLab", "FoodOrdering.OrderingLab"), "--amqp", await TestInfrastructure.RabbitMqUriAsync(),
                "--timeout-s", "30", .. arguments], timeout.Token);
    }

    [GeneratedRegex(@"exchange (?<run>ordering-lab-[0-9a-f]+)-plain")]
    private static partial Regex RunName();
}
