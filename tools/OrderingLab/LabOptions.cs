using FoodOrdering.LocalSystem;

namespace FoodOrdering.OrderingLab;

/// <summary>
/// The lab's knobs. <see cref="PauseMs"/> is the injected fault: how long the instance that receives the
/// order's first message stops before handling it (a GC pause, a slow query, a <c>kill -STOP</c>).
/// </summary>
public sealed record LabOptions(string AmqpUri, int OrderId, int Messages, int Instances, int Partitions, int PauseMs, int TimeoutSeconds)
{
    public static string DefaultAmqpUri => $"amqp://guest:guest@127.0.0.1:{SystemCatalog.RabbitMqAmqpPort}/";

    public const string Usage = """
        usage: OrderingLab [--amqp URI] [--order-id 1001] [--messages 5] [--instances 2] [--partitions 4] [--pause-ms 3000] [--timeout-s 30]
          --amqp        the running system's RabbitMQ (default: the one `./ftgo up` starts, 127.0.0.1:15673)
          --pause-ms    the injected pause of the instance that receives the order's message 1; it ends early
                        once every other message of the order is handled (0: no pause)
          --instances   competing consumer instances, each with its own connection (default 2)
        """;

    public static LabOptions? Parse(string[] args)
    {
        var options = new LabOptions(DefaultAmqpUri, OrderId: 1001, Messages: 5, Instances: 2, Partitions: 4, PauseMs: 3000, TimeoutSeconds: 30);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }
            var value = args[i + 1];
            options = args[i] switch
            {
                "--amqp" => options with { AmqpUri = value },
                "--order-id" => options with { OrderId = int.Parse(value) },
                "--messages" => options with { Messages = int.Parse(value) },
                "--instances" => options with { Instances = int.Parse(value) },
                "--partitions" => options with { Partitions = int.Parse(value) },
                "--pause-ms" => options with { PauseMs = int.Parse(value) },
                "--timeout-s" => options with { TimeoutSeconds = int.Parse(value) },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }
        return options is { Messages: >= 2, Instances: >= 1, Partitions: >= 1, PauseMs: >= 0, TimeoutSeconds: >= 1 } ? options : null;
    }
}
