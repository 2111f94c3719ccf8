using FoodOrdering.Gateway.Security;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// The caller's identity, as the gateway authenticated it, in headers the services read
/// (<see cref="ConsumerIdHeader"/>, <see cref="RoleHeader"/>), on every proxied request. Whatever a
/// client sent under these names is removed first: only the gateway speaks for the caller.
/// </summary>
public sealed class IdentityHeaders : ITransformProvider
{
    public const string ConsumerIdHeader = "X-Ftgo-Consumer-Id";
    public const string RoleHeader = "X-Ftgo-Role";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(transform =>
    {
        var headers = transform.ProxyRequest.Headers;
        headers.Remove(ConsumerIdHeader);
        headers.Remove(RoleHeader);
        var user = transform.HttpContext.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.FindFirst(EdgeSecurity.ConsumerIdClaim)?.Value is { } consumerId)
            {
                headers.TryAddWithoutValidation(ConsumerIdHeader, consumerId);
            }
            if (user.FindFirst(EdgeSecurity.RoleClaim)?.Value is { } role)
            {
                headers.TryAddWithoutValidation(RoleHeader, role);
            }
        }
        return ValueTask.CompletedTask;
    });
}
