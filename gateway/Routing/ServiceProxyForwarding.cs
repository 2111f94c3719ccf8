using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FoodOrdering.ServiceDefaults.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Yarp.ReverseProxy.Forwarder;

namespace FoodOrdering.Gateway.Routing;

/// <summary>
/// YARP's REST forwarding through the same per-downstream service proxy pipeline as the gateway's gRPC
/// calls (outstanding-request limit, circuit breaker; <see cref="ServiceProxyPipeline"/>): the cluster
/// <c>kitchen</c> forwards through the <c>kitchen</c> pipeline, so 5xx answers and transport failures on
/// <c>/api/v1/tickets</c> open the same breaker as failing GetTicket calls, and a workshop watches it open in
/// <c>/api/_admin/circuits</c>. What the pipeline has no say on:
/// <list type="bullet">
/// <item>YARP's active health probes (<c>/health/ready</c>): they must reach the instance to see it recover;</item>
/// <item>the network timeout: a forwarded request is bounded by its route's <c>Timeout</c> (some routes need
/// 30 s, more than a gRPC call's 5 s), and a request ended by it is not counted by the breaker; YARP's
/// passive health check counts it instead.</item>
/// </list>
/// A request the pipeline refuses is answered here, 503 problem details (with Retry-After when the breaker
/// knows when it will let a probe through), as a response, not as a transport error: YARP's passive health
/// check must not take the breaker's refusals for a broken instance.
/// </summary>
public sealed class ServiceProxyForwarderHttpClientFactory(ResiliencePipelineProvider<string> pipelines, IEnumerable<ServiceProxyRegistration> downstreams,
    ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
    {
        var forwarding = base.WrapHandler(context, handler);
        return downstreams.Any(d => d.Name == context.ClusterId)
            ? new ServiceProxyHandler(context.ClusterId, pipelines.GetPipeline(ServiceProxyPipeline.Key(context.ClusterId))) { InnerHandler = forwarding }
            : forwarding; // a cluster without a service proxy (the tests' probe) is forwarded as YARP does
    }

    private sealed class ServiceProxyHandler(string downstream, ResiliencePipeline pipeline) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.StartsWith("/health", StringComparison.Ordinal) == true)
            {
                return await base.SendAsync(request, cancellationToken);
            }
            try
            {
                return await pipeline.ExecuteAsync(async token => await base.SendAsync(request, token), cancellationToken);
            }
            catch (BrokenCircuitException e)
            {
                return Refused($"The {downstream} service's circuit breaker is open",
                    $"Recent calls to the {downstream} service failed; the gateway fails fast until a probe call succeeds.", e.RetryAfter);
            }
            catch (ExecutionRejectedException)
            {
                return Refused($"Too many calls to the {downstream} service are outstanding",
                    $"The gateway refuses more calls to the {downstream} service until some of those in flight are answered.", null);
            }
        }

        private static HttpResponseMessage Refused(string title, string detail, TimeSpan? retryAfter)
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = JsonContent.Create(new
                {
                    type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                    title,
                    status = (int)HttpStatusCode.ServiceUnavailable,
                    detail,
                    traceId = Activity.Current?.Id,
                }, mediaType: new MediaTypeHeaderValue("application/problem+json")),
            };
            if (retryAfter is { } delay)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(delay.TotalSeconds))));
            }
            return response;
        }
    }
}
