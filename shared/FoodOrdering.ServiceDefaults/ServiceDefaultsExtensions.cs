using System.Diagnostics;
using FoodOrdering.ServiceDefaults.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;

namespace FoodOrdering.ServiceDefaults;

/// <summary>
/// The few lines every service's Program.cs starts with: <c>builder.AddServiceDefaults(...)</c> and
/// <c>app.MapDefaultEndpoints()</c>. Everything here behaves the same in every service, so a reader
/// learns it once.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>/health/live: the process runs.</summary>
    public const string LiveTag = "live";

    /// <summary>/health/ready: the service can do its work. Its own database only: never another service or the broker.</summary>
    public const string ReadyTag = "ready";

    /// <summary>In /health only: the broker and the outbox (a service keeps answering while they are away).</summary>
    public const string MessagingTag = "messaging";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceTitle)
    {
        builder.AddTelemetry();

        // One line per log entry, with the trace id of the request (or message) that caused it.
        // Set Logging__Console__FormatterName=json for machine-readable logs.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        // RFC 9457 problem details for every error, each carrying the trace id to find it in the logs.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier);
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // A body that cannot be read (bad JSON, wrong types) throws, so the handler above can name the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        // /health/live: the process runs. /health/ready: its own database answers. /health: every check, with details.
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: [LiveTag]);

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new OpenApiInfo { Title = serviceTitle, Version = builder.Configuration.OpenApiVersion("v1") }));
        return builder;
    }

    /// <summary>
    /// The semantic version (MAJOR.MINOR.PATCH) in a document's <c>info.version</c>, from the service's
    /// <c>OpenApi:Versions:{document}</c> setting; the document name carries the major ("v1" -> 1.0.0 when unset).
    /// api/baseline holds the released documents, and the API compatibility tests hold the two together
    /// (docs/api-evolution.md).
    /// </summary>
    public static string OpenApiVersion(this IConfiguration configuration, string document) =>
        configuration[$"OpenApi:Versions:{document}"] ?? $"{document.TrimStart('v')}.0.0";

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapMetrics();
        // On the gRPC port, when the service has one: grpc.health.v1 (the same checks as /health/ready) and reflection.
        app.MapGrpcDefaults();

        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }
}
