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
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(rabbitMqUri),
            ClientProvidedName = "health check",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
            AutomaticRecoveryEnabled = false,
        };
        try
        {
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy($"RabbitMQ {connection.Endpoint.HostName}:{connection.Endpoint.Port} answers");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ cannot be reached ({e.Message}); outgoing messages wait in the outbox");
        }
    }
}
