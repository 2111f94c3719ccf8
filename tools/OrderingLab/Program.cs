using FoodOrdering.OrderingLab;
using RabbitMQ.Client.Exceptions;

// Workshop lab 8: one order's messages through a plain shared queue, then through the sharded channel,
// each with competing instances and the same injected pause; prints the order they were handled in.
if (LabOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(LabOptions.Usage);
    return 64;
}
var broker = new Uri(options.AmqpUri);
Console.WriteLine($"RabbitMQ {broker.Host}:{broker.Port}; order {options.OrderId}: messages 1..{options.Messages} published in order, "
    + $"routing key = the order id; {options.Instances} instance{(options.Instances == 1 ? "" : "s")}, each its own connection, prefetch 1; injected pause {options.PauseMs} ms");
// Names of this run only: the broker may be shared (CI runs every test assembly against one).
var run = $"ordering-lab-{Guid.NewGuid().ToString("N")[..8]}";
try
{
    foreach (var setup in new[] { ReceiverSetup.PlainSharedQueue(run, options), ReceiverSetup.ShardedChannelByOrderId(run, options) })
    {
        if (await OrderingRun.RunAsync(setup, options, Console.Out) is null)
        {
            return 2;
        }
    }
    return 0;
}
catch (BrokerUnreachableException e)
{
    Console.Error.WriteLine($"RabbitMQ at {broker.Host}:{broker.Port} is not reachable ({e.InnerException?.Message ?? e.Message}): is the system up (./ftgo up)?");
    return 1;
}
