using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// What a route's <c>PathRemovePrefix</c> took off the path, told to the service and put back on what it
/// answers. The service gets it in <c>X-Forwarded-Prefix</c> (<c>/api</c>), so that it can build links a
/// client of the gateway can follow (the Order service's <c>_links</c>: <c>/api/v1/orders/7/cancel</c>). A
/// relative <c>Location</c> that does not carry it yet gets it here: the Consumer service says
/// <c>/v1/consumers/7</c>, the client behind the gateway must follow <c>/api/v1/consumers/7</c>.
/// </summary>
public sealed class ApiPrefixInLocation : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var prefix = context.Route.Transforms?.Select(t => t.GetValueOrDefault("PathRemovePrefix")).FirstOrDefault(p => p is not null);
        if (prefix is null)
        {
            return;
        }
        // YARP's default X-Forwarded-Prefix is the gateway's own PathBase (none): X-Forwarded-* as usual, then ours.
        context.AddXForwarded();
        context.AddRequestHeader("X-Forwarded-Prefix", prefix, append: false);
        context.AddResponseTransform(transform =>
        {
            var headers = transform.HttpContext.Response.Headers;
            var location = headers.Location.ToString();
            if (location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal)
                && !location.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                headers.Location = prefix + location;
            }
            return ValueTask.CompletedTask;
        });
    }
}
