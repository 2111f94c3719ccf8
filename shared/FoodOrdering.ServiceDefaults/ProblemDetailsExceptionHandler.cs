using System.Text.Json;
using FoodOrdering.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults;

/// <summary>
/// Turns exceptions into RFC 9457 problem details: a domain rule that said no is 409 Conflict, something
/// that does not exist is 404, a malformed value or a request body that cannot be read is 400 (saying
/// which field), anything else is 500 without leaking internals (the trace id in the body finds the
/// details in the log). Grpc/GrpcExceptionInterceptor maps the same exceptions to gRPC status codes.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            NotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            InvalidInputException e => (StatusCodes.Status400BadRequest, "The request is not valid", e.Message),
            DomainException e => (StatusCodes.Status409Conflict, "The request conflicts with the current state", e.Message),
            BadHttpRequestException { InnerException: JsonException json } => (StatusCodes.Status400BadRequest, "The request body is not valid", json.Message),
            BadHttpRequestException e => (e.StatusCode, "The request is not valid", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred", "See the service log for this trace id."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
