using Microsoft.Extensions.Hosting;

namespace FoodOrdering.Messaging.Relay;

/// <summary>Runs the configured message relay for as long as the service runs.</summary>
public sealed class MessageRelayService(MessageRelay relay) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await relay.RunAsync(stoppingToken);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: unsent rows stay in the outbox for the next relay. (Cancelling a replication stream
            // can surface as a closed-stream error rather than a cancellation: it is a stop all the same.)
        }
    }
}
