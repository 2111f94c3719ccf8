using System.Diagnostics;
using System.Text.Json.Nodes;
using FoodOrdering.Domain;
using FoodOrdering.ServiceDefaults.Faults;
using FoodOrdering.ServiceDefaults.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

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

    /// <summary>The probes' paths (Kubernetes, the images' HEALTHCHECK, the launcher's wait for a ready service).</summary>
    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    /// <param name="builder">The service's builder.</param>
    /// <param name="serviceTitle">The title of its OpenAPI documents.</param>
    /// <param name="apiVersions">
    /// One OpenAPI document per major version of the service's REST API, at /swagger/{version}/swagger.json and
    /// in the Swagger UI's list: "v1" unless the service serves more (endpoints whose API explorer group name
    /// is the version land in its document; ungrouped endpoints in every one).
    /// </param>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceTitle, params string[] apiVersions)
    {
        // `dotnet FoodOrdering.X.dll --health-check` (the images' HEALTHCHECK) only asks the running instance whether it is
        // ready, with this service's configuration, and exits: it must not start a second service, migrate or connect.
        if (HealthCheckCommand.IsRequested(Environment.GetCommandLineArgs()))
        {
            Environment.Exit(HealthCheckCommand.Run(builder.Configuration));
        }

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
        builder.Services.AddSwaggerGen(o =>
        {
            foreach (var version in apiVersions.Length > 0 ? apiVersions : ["v1"])
            {
                o.SwaggerDoc(version, new OpenApiInfo { Title = serviceTitle, Version = builder.Configuration.OpenApiVersion(version) });
            }
            // Money is a decimal string on the wire (MoneyJsonConverter), never a number: the documents say so.
            o.MapType<Money>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Pattern = @"^[0-9]+\.[0-9]{2}$",
                Description = "An amount of money: a decimal string with two fraction digits, never a JSON number (no parser rounds it).",
                Example = JsonValue.Create("12.50"),
            });
        });

        // Only with Faults:Enabled / FTGO_FAULTS_ENABLED (the demo): added latency and errors, switched at /_admin/faults.
        builder.AddFaultInjection();
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
        // When enabled: /_admin/faults, and injected latency and errors for REST calls (not for the endpoints below).
        app.UseFaultInjection();

        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapMetrics();
        // On the gRPC port, when the service has one: grpc.health.v1 (the same checks as /health/ready) and reflection.
        app.MapGrpcDefaults();

        app.UseSwagger();
        var documents = app.Services.GetRequiredService<IOptions<SwaggerGenOptions>>().Value.SwaggerGeneratorOptions.SwaggerDocs;
        app.UseSwaggerUI(o =>
        {
            foreach (var (name, info) in documents)
            {
                o.SwaggerEndpoint($"/swagger/{name}/swagger.json", $"{info.Title} {name}");
            }
        });
        return app;
    }
}
