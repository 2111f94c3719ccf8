using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// A request the gateway could not forward answers with problem details that say which service and
/// what kind of failure (502 not reached, 503 no healthy instance, 504 no answer in time), never the
/// exception: the gateway's log has it, under the trace id in the body.
/// </summary>
public static class ProxyErrors
{
    public static async Task AsProblemDetailsAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
        {
            return;
        }
        var service = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId ?? "downstream";
        var (title, detail) = failure.Error switch
        {
            ForwarderError.NoAvailableDestinations => ($"The {service} service is unavailable", $"No instance of the {service} service is healthy; try again later."),
            ForwarderError.RequestTimedOut => ($"The {service} service did not answer in time", "The route's timeout passed before the service answered."),
            ForwarderError.Request or ForwarderError.ResponseHeaders =>
                ($"The {service} service could not be reached", $"The gateway could not get an answer from the {service} service; try again later."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled =>
                ("The request could not be read", "The request body could not be read from the client."),
            _ => ("The request could not be forwarded", $"The gateway failed while forwarding to the {service} service."),
        };
        if (context.Response.StatusCode < StatusCodes.Status400BadRequest)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
        });
    }
}
