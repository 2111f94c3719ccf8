using Microsoft.AspNetCore.Http;

namespace FoodOrdering.ServiceDefaults.Faults;

/// <summary>
/// Fault injection for REST calls: the current <see cref="FaultSetting"/>'s latency before the endpoint
/// runs, then, for the share of calls its error ratio says, 503 problem details saying the fault was
/// injected. Never for what keeps a service observable and switchable (/health, /metrics, /swagger,
/// /_admin) nor for gRPC calls, which <see cref="FaultInjectionInterceptor"/> handles with gRPC statuses.
/// </summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector faults, IProblemDetailsService problemDetails)
{
    private static readonly PathString[] Exempt = ["/health", TelemetryExtensions.MetricsPath, "/swagger", FaultInjectionExtensions.AdminPath];

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsExempt(context.Request))
        {
            await next(context);
            return;
        }

        bool fail;
        try
        {
            fail = await faults.InjectAsync(FaultSetting.Rest, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client gave up during the injected latency: there is nobody to answer
        }

        if (!fail)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable (injected fault)",
                Detail = FaultInjector.ErrorDetail(faults.Current),
            },
        });
    }

    private static bool IsExempt(HttpRequest request) =>
        Exempt.Any(path => request.Path.StartsWithSegments(path))
        || (request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? false);
}
