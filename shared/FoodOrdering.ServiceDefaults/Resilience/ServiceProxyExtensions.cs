using FoodOrdering.ServiceDefaults.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace FoodOrdering.ServiceDefaults.Resilience;

/// <summary>
/// Registers a service proxy for a downstream service: every outbound call, gRPC or HTTP, goes through
/// its network timeout, outstanding-request limit and circuit breaker (<see cref="ServiceProxyPipeline"/>),
/// configured from <c>Downstreams:{name}</c>. A proxy in the book's sense is then a few lines on top:
/// <code>
/// builder.AddGrpcServiceProxy&lt;KitchenService.KitchenServiceClient&gt;("kitchen");
/// builder.Services.AddScoped&lt;KitchenServiceProxy&gt;(); // wraps the generated client, decides the recovery
/// </code>
/// </summary>
public static class ServiceProxyExtensions
{
    /// <summary>
    /// A Grpc.Net.ClientFactory typed client (<c>AddGrpcClient&lt;TClient&gt;</c>, injectable as
    /// <typeparamref name="TClient"/>) for <paramref name="downstream"/>: its pipeline runs in a client
    /// interceptor, every unary call gets a default deadline, and the caller's deadline and cancellation flow
    /// downstream (<c>EnableCallContextPropagation</c>, when the caller is itself serving a gRPC call).
    /// </summary>
    public static IHttpClientBuilder AddGrpcServiceProxy<TClient>(this IHostApplicationBuilder builder, string downstream)
        where TClient : class
    {
        builder.AddServiceProxyPipeline(downstream);
        return builder.Services
            .AddGrpcClient<TClient>((services, client) => client.Address = OptionsOf(services, downstream).GrpcAddress ?? throw MissingAddress(downstream, "GrpcAddress"))
            .ConfigureChannel(channel =>
            {
                channel.MaxReceiveMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
                channel.MaxSendMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
            })
            .AddInterceptor(services => new ServiceProxyInterceptor(PipelineOf(services, downstream), OptionsOf(services, downstream).Timeout))
            // Outside a gRPC call (a REST endpoint, a message handler) there is nothing to propagate: not an error.
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
    }

    /// <summary>A typed HttpClient (<typeparamref name="TProxy"/> gets it injected) for <paramref name="downstream"/>.</summary>
    public static IHttpClientBuilder AddHttpServiceProxy<TProxy>(this IHostApplicationBuilder builder, string downstream)
        where TProxy : class
    {
        builder.AddServiceProxyPipeline(downstream);
        return builder.Services.AddHttpClient<TProxy>(downstream).AddServiceProxyHandler(downstream);
    }

    /// <summary>A named HttpClient (<c>IHttpClientFactory.CreateClient(downstream)</c>) for <paramref name="downstream"/>.</summary>
    public static IHttpClientBuilder AddHttpServiceProxy(this IHostApplicationBuilder builder, string downstream)
    {
        builder.AddServiceProxyPipeline(downstream);
        return builder.Services.AddHttpClient(downstream).AddServiceProxyHandler(downstream);
    }

    // Microsoft.Extensions.Http.Resilience's handler: the downstream's shared pipeline, with Polly's
    // timeout inside it so that a timeout counts as a failure for the breaker.
    private static IHttpClientBuilder AddServiceProxyHandler(this IHttpClientBuilder http, string downstream)
    {
        http.ConfigureHttpClient((services, client) => client.BaseAddress = OptionsOf(services, downstream).HttpAddress ?? throw MissingAddress(downstream, "HttpAddress"));
        http.AddResilienceHandler("service-proxy", (pipeline, context) => pipeline
            .AddPipeline(PipelineOf(context.ServiceProvider, downstream))
            .AddTimeout(OptionsOf(context.ServiceProvider, downstream).Timeout));
        return http;
    }

    /// <summary>Once per downstream: its options, its pipeline in Polly's registry, its breaker in <see cref="CircuitBreakers"/>.</summary>
    private static void AddServiceProxyPipeline(this IHostApplicationBuilder builder, string downstream)
    {
        var services = builder.Services;
        services.TryAddSingleton<CircuitBreakers>();
        if (services.Any(s => s.ServiceType == typeof(ServiceProxyRegistration) && s.ImplementationInstance is ServiceProxyRegistration r && r.Name == downstream))
        {
            return;
        }
        services.AddSingleton(new ServiceProxyRegistration(downstream));
        services.AddOptions<ServiceProxyOptions>(downstream).BindConfiguration($"{ServiceProxyOptions.SectionName}:{downstream}");
        services.AddResiliencePipeline(ServiceProxyPipeline.Key(downstream), (pipeline, context) =>
            ServiceProxyPipeline.Build(pipeline, downstream, OptionsOf(context.ServiceProvider, downstream),
                context.ServiceProvider.GetRequiredService<CircuitBreakers>()));
    }

    private static ServiceProxyOptions OptionsOf(IServiceProvider services, string downstream) =>
        services.GetRequiredService<IOptionsMonitor<ServiceProxyOptions>>().Get(downstream);

    private static ResiliencePipeline PipelineOf(IServiceProvider services, string downstream) =>
        services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ServiceProxyPipeline.Key(downstream));

    private static InvalidOperationException MissingAddress(string downstream, string key) =>
        new($"Set {ServiceProxyOptions.SectionName}:{downstream}:{key} (environment: {ServiceProxyOptions.SectionName}__{downstream}__{key}) to the URL of the {downstream} service.");
}
