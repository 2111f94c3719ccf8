using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FoodOrdering.OrderingLab;

/// <summary>
/// One order's messages 1..N through one <see cref="ReceiverSetup"/>, on the real broker. Deterministic:
/// the instances are attached (consume-ok) before anything is published; each instance has its own
/// connection and one AMQP channel per queue, as a MassTransit receive endpoint has, with prefetch 1 (one
/// message at a time, <c>ConcurrentMessageLimit = 1</c>). The instance that receives message 1 pauses
/// (<see cref="LabOptions.PauseMs"/>): while it holds message 1 unacknowledged it receives nothing else, so
/// on a plain shared queue RabbitMQ gives messages 2..N to the other instance. The pause ends early once
/// every other message of the order has been handled (nothing more can happen meanwhile), so the outcome
/// does not depend on how fast this machine is; on the sharded channel nobody else can take them, and the
/// whole pause passes.
/// </summary>
public static class OrderingRun
{
    /// <summary>The order in which the messages were handled, or null when they were not all handled in time.</summary>
    public static async Task<IReadOnlyList<int>?> RunAsync(ReceiverSetup setup, LabOptions options, TextWriter output)
    {
        var factory = new ConnectionFactory { Uri = new Uri(options.AmqpUri) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));
        await using var publisher = await factory.CreateConnectionAsync($"ordering-lab {setup.Title} publisher", timeout.Token);
        await using var publishing = await publisher.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), timeout.Token);
        output.WriteLine($"{setup.Title}: {setup.Description}");
        var log = new HandledLog(options.Messages, output);
        var instances = new List<IConnection>();
        try
        {
            await setup.DeclareAsync(publishing, timeout.Token);
            for (var instance = 0; instance < options.Instances; instance++)
            {
                var connection = await factory.CreateConnectionAsync($"ordering-lab {setup.Title} instance {instance}", timeout.Token);
                instances.Add(connection);
                foreach (var consumed in setup.ConsumedBy(instance))
                {
                    await ConsumeAsync(connection, instance, consumed, log, options, timeout.Token);
                }
            }
            // basic.consume has been answered for every consumer: they are attached before the first message.
            for (var sequence = 1; sequence <= options.Messages; sequence++)
            {
                await publishing.BasicPublishAsync(setup.Exchange, options.OrderId.ToString(), mandatory: true, new BasicProperties(),
                    Encoding.UTF8.GetBytes(sequence.ToString()), timeout.Token);
            }
            await log.AllHandled.WaitAsync(timeout.Token);
            var order = log.Order;
            var inOrder = order.SequenceEqual(Enumerable.Range(1, options.Messages));
            output.WriteLine($"{setup.Title}: order {options.OrderId} handled {string.Join(",", order)} -> {(inOrder ? "in order" : "REORDERED")}");
            return order;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            output.WriteLine($"{setup.Title}: timed out after {options.TimeoutSeconds} s; order {options.OrderId} handled only {(log.Order.Count == 0 ? "nothing" : string.Join(",", log.Order))}");
            return null;
        }
        finally
        {
            // Deleting the queues cancels their consumers; the connections close after.
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using (var deleting = await publisher.CreateChannelAsync(cancellationToken: cleanup.Token))
            {
                await setup.DeleteAsync(deleting, cleanup.Token);
            }
            foreach (var connection in instances)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task ConsumeAsync(IConnection connection, int instance, ConsumedQueue consumed, HandledLog log, LabOptions options,
        CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: 1, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var sequence = int.Parse(Encoding.UTF8.GetString(delivery.Body.Span));
            if (sequence == 1 && options.PauseMs > 0)
            {
                log.Print($"  instance {instance}{consumed.Label} received message 1: paused (injected pause, at most {options.PauseMs} ms)");
                // The injected fault. It ends early once every other message is handled: nothing can overtake after that.
                await Task.WhenAny(log.AllButFirstHandled, Task.Delay(options.PauseMs, cancellationToken));
                if (cancellationToken.IsCancellationRequested)
                {
                    return; // the run timed out: left unacknowledged, deleted with its queue
                }
            }
            log.Handled(sequence, $"  instance {instance}{consumed.Label} handled message {sequence}");
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        };
        await channel.BasicConsumeAsync(consumed.Queue, autoAck: false, consumer, cancellationToken);
    }

    /// <summary>What was handled, in order; its lines are printed under the same lock, so they are in that order too.</summary>
    private sealed class HandledLog(int messages, TextWriter output)
    {
        private readonly Lock gate = new();
        private readonly List<int> order = [];
        private readonly TaskCompletionSource allHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource allButFirstHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task AllHandled => allHandled.Task;

        public Task AllButFirstHandled => allButFirstHandled.Task;

        public IReadOnlyList<int> Order
        {
            get
            {
                lock (gate)
                {
                    return [.. order];
                }
            }
        }

        public void Print(string line)
        {
            lock (gate)
            {
                output.WriteLine(line);
            }
        }

        public void Handled(int sequence, string line)
        {
            lock (gate)
            {
                order.Add(sequence);
                output.WriteLine(line);
                if (!order.Contains(1) && order.Count == messages - 1)
                {
                    allButFirstHandled.TrySetResult();
                }
                if (order.Count == messages)
                {
                    allHandled.TrySetResult();
                }
            }
        }
    }
}
