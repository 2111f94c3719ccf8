using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace FoodOrdering.Messaging;

/// <summary>
/// Can this service reach RabbitMQ right now? Opens (and closes) an AMQP connection. In /health only,
/// never in readiness: while the broker is away the service keeps working, and the outbox keeps what it
/// must send (MassTransit's own check, "message-bus", tells whether this service's consumers run).
/// </summary>
public sealed class BrokerHealthCheck(string rabbitMqUri) : IHealthCheck
{
    /// <summary>How long /health waits for the broker's answer before it reports the broker unhealthy.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(rabbitMqUri),
            ClientProvidedName = "health check",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
            HandshakeContinuationTimeout = TimeSpan.FromSeconds(2),
            AutomaticRecoveryEnabled = false,
        };
        var connecting = factory.CreateConnectionAsync(cancellationToken);
        try
        {
            // The client does not give up on a handshake that a frozen broker never answers when the token is cancelled
            // (seen: 8 s), so /health stops waiting for it here; a connection that opens after all is closed at once.
            await using var connection = await connecting.WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"RabbitMQ {connection.Endpoint.HostName}:{connection.Endpoint.Port} answers");
        }
        catch (OperationCanceledException) when (!connecting.IsCompleted)
        {
            _ = connecting.ContinueWith(opened => opened.Result.DisposeAsync().AsTask(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return HealthCheckResult.Unhealthy($"RabbitMQ did not answer within {Timeout.TotalSeconds:0} s; outgoing messages wait in the outbox");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ cannot be reached ({e.Message}); outgoing messages wait in the outbox");
        }
    }
}
