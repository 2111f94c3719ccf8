using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// What a route's <c>PathRemovePrefix</c> took off the path, put back on a relative <c>Location</c> the
/// service answers with: the Order service says <c>/v1/orders/7</c>, the client behind the gateway must
/// follow <c>/api/v1/orders/7</c>.
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
        context.AddResponseTransform(transform =>
        {
            var headers = transform.HttpContext.Response.Headers;
            var location = headers.Location.ToString();
            if (location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal))
            {
                headers.Location = prefix + location;
            }
            return ValueTask.CompletedTask;
        });
    }
}
