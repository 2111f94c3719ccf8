using System.Globalization;
using System.Text.RegularExpressions;
using Asp.Versioning;
using Microsoft.Net.Http.Headers;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

/// <summary>
/// The major versions of the Order REST API and how a client asks for one (Asp.Versioning): in the URL
/// (<c>/v1/orders/..</c>, <c>/v2/orders/..</c>), or, on the version-less <c>/orders/{orderId}</c>, by the
/// vendor media type <c>Accept: application/vnd.ftgo.order.v2+json</c> (no vendor type: v1). Every answer
/// lists <c>api-supported-versions</c>; an unknown version is a problem that lists them too; a vendor media
/// type that contradicts the URL's version is 406.
/// </summary>
public static partial class OrderApiVersions
{
    public static readonly ApiVersion V1 = new(1, 0);
    public static readonly ApiVersion V2 = new(2, 0);
    public static readonly IReadOnlyList<ApiVersion> Supported = [V1, V2];

    public const string SupportedVersionsHeader = "api-supported-versions";

    private static string SupportedVersionsHeaderValue => string.Join(", ", Supported);

    public static string MediaType(int version) => $"application/vnd.ftgo.order.v{version}+json";

    public static WebApplicationBuilder AddOrderApiVersioning(this WebApplicationBuilder builder)
    {
        builder.Services.AddApiVersioning(o =>
            {
                o.DefaultApiVersion = V1;
                o.AssumeDefaultVersionWhenUnspecified = true; // the version-less path without a vendor media type
                o.ReportApiVersions = true;
                o.ApiVersionReader = ApiVersionReader.Combine(
                    new UrlSegmentApiVersionReader(),
                    new MediaTypeApiVersionReaderBuilder().Template("application/vnd.ftgo.order.v{version}+json").Build());
            })
            .AddApiExplorer(o =>
            {
                o.GroupNameFormat = "'v'VVV"; // Swagger documents v1 and v2
                o.SubstituteApiVersionInUrl = true;
            });
        // A problem about the version names the versions there are (also in the api-supported-versions header).
        builder.Services.PostConfigure<ProblemDetailsOptions>(o =>
        {
            var before = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                before?.Invoke(context);
                if (IsVersionProblem(context))
                {
                    context.HttpContext.Response.Headers[SupportedVersionsHeader] = SupportedVersionsHeaderValue;
                    context.ProblemDetails.Detail ??= $"The Order API has no such version; it serves {SupportedVersionsHeaderValue}.";
                    context.ProblemDetails.Extensions["supportedVersions"] = Supported.Select(v => v.MajorVersion!.Value.ToString(CultureInfo.InvariantCulture)).ToArray();
                    context.ProblemDetails.Extensions["supportedMediaTypes"] = Supported.Select(v => MediaType(v.MajorVersion!.Value)).ToArray();
                }
            };
        });
        return builder;
    }

    /// <summary>406 when the Accept header names only vendor media types of another version than the URL's (<c>/v1/...</c> with <c>...v2+json</c>).</summary>
    public static IApplicationBuilder UseOrderMediaTypes(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var url = UrlVersion().Match(http.Request.Path.Value ?? "");
        var asked = AskedVersions(http.Request);
        if (url.Success && asked.Count > 0 && !asked.Contains(url.Groups[1].Value))
        {
            http.Response.Headers[SupportedVersionsHeader] = SupportedVersionsHeaderValue;
            await Results.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Not acceptable",
                detail: $"This URL serves version {url.Groups[1].Value}, and the Accept header asks only for {string.Join(", ", asked.Select(v => MediaType(int.Parse(v, null))))}. "
                    + $"Ask /v{asked[0]}/orders/... or the version-less /orders/{{orderId}} with that media type.",
                extensions: new Dictionary<string, object?>
                {
                    ["supportedVersions"] = Supported.Select(v => v.MajorVersion!.Value.ToString(CultureInfo.InvariantCulture)).ToArray(),
                    ["supportedMediaTypes"] = Supported.Select(v => MediaType(v.MajorVersion!.Value)).ToArray(),
                }).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>The major versions named by vendor media types in the Accept header, e.g. ["2"].</summary>
    public static List<string> AskedVersions(HttpRequest request) =>
        [.. request.GetTypedHeaders().Accept.Select(a => VendorMediaType().Match(a.MediaType.Value ?? "")).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct()];

    /// <summary>The version the request was routed to (URL segment or media type), as a major number.</summary>
    public static int RequestedMajor(HttpContext http) => http.Features.Get<IApiVersioningFeature>()?.RequestedApiVersion?.MajorVersion ?? 1;

    private static bool IsVersionProblem(ProblemDetailsContext context) =>
        context.ProblemDetails.Type?.StartsWith("https://docs.api-versioning.org/problems", StringComparison.Ordinal) == true
        || (context.ProblemDetails.Status == StatusCodes.Status404NotFound && UrlVersion().IsMatch(context.HttpContext.Request.Path.Value ?? "")
            && context.HttpContext.Features.Get<IApiVersioningFeature>()?.RequestedApiVersion is { } requested && !Supported.Contains(requested));

    [GeneratedRegex(@"^/v(\d+)(?:\.0)?/orders(?:/|$)")]
    private static partial Regex UrlVersion();

    [GeneratedRegex(@"^application/vnd\.ftgo\.order\.v(\d+)(?:\.0)?\+json$", RegexOptions.IgnoreCase)]
    private static partial Regex VendorMediaType();
}

/// <summary>
/// Conditional requests on an order. The ETag is the order's version (it grows with every change: the
/// same number optimistic concurrency checks) and the representation's major version, since v1 and v2
/// bodies differ: <c>"3-v2"</c>. <c>If-None-Match</c> with the current tag: 304, no body. <c>If-Match</c>
/// on cancel and revise: the order must still be at the version the tag names (of either representation),
/// else 412 and nothing changes.
/// </summary>
public static class OrderETags
{
    public static string Of(OrderAggregate order, int version) => $"\"{order.Version}-v{version}\"";

    public static bool NotModified(HttpRequest request, string etag) =>
        request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Value == etag); // weak comparison, as RFC 9110 says for If-None-Match

    /// <summary>The order versions an <c>If-Match</c> header accepts, or null when there is none (or <c>*</c>: the order exists).</summary>
    public static IReadOnlySet<int>? ExpectedVersions(HttpRequest request)
    {
        var tags = request.GetTypedHeaders().IfMatch;
        if (tags is not { Count: > 0 } || tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }
        // Strong comparison: a weak tag never matches; a tag that is not ours matches no version.
        return tags.Where(t => !t.IsWeak).Select(t => t.Tag.Value?.Trim('"').Split('-')[0])
            .Select(v => int.TryParse(v, null, out var n) ? n : -1).Where(n => n >= 0).ToHashSet();
    }
}
