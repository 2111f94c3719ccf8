using FoodOrdering.ServiceDefaults.Faults;
using FoodOrdering.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FoodOrdering.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every service, in one place (eShop's ServiceDefaults shape). Traces: incoming HTTP
/// and gRPC, outgoing HttpClient and gRPC calls, every SQL statement (Npgsql), MassTransit's receive and
/// consume, and our own sources (the message relay's publish continues the trace stored with each
/// outbox row, so one request is one trace across services). Metrics: ASP.NET Core and Kestrel,
/// HttpClient, the .NET runtime, Npgsql, MassTransit and our own meters. Prometheus text at
/// <c>/metrics</c>; OTLP (traces, metrics and logs) to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when it is
/// set, e.g. the trace viewer `./ftgo up` starts. Logs keep their trace and span ids either way.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The ActivitySources of our building blocks (FoodOrdering.Messaging: the relay's publish).</summary>
    public static readonly List<string> Sources = ["FoodOrdering.Messaging", "MassTransit"];

    /// <summary>The meters of our building blocks and of the libraries that have their own.</summary>
    public static readonly List<string> Meters = ["FoodOrdering.Messaging", ServiceProxyTelemetry.MeterName, FaultTelemetry.MeterName, "Polly", "MassTransit"];

    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHousekeeping(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation()
                .AddNpgsql()
                .AddSource([.. Sources]))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter([.. Meters])
                .AddPrometheusExporter());
        if (exportOtlp)
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Prometheus text at /metrics.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    // Probes and scrapes every few seconds would drown the traces people look for.
    private static bool IsHousekeeping(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}
