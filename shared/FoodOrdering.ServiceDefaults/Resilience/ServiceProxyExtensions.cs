using FoodOrdering.ServiceDefaults.Grpc;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
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
    /// With several instances (<c>GrpcAddresses</c>, or a <c>dns:///</c> <c>GrpcAddress</c>) the channel balances
    /// the calls over them: Grpc.Net.Client's client-side load balancing, see <see cref="GrpcTarget"/>.
    /// </summary>
    public static IHttpClientBuilder AddGrpcServiceProxy<TClient>(this IHostApplicationBuilder builder, string downstream)
        where TClient : class
    {
        builder.AddServiceProxyPipeline(downstream);
        builder.AddGrpcResolvers();
        return builder.Services
            .AddGrpcClient<TClient>((services, client) => client.Address = GrpcTarget(OptionsOf(services, downstream), downstream))
            .ConfigureChannel((services, channel) =>
            {
                channel.MaxReceiveMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
                channel.MaxSendMessageSize = GrpcEndpointOptions.DefaultMaxMessageSize;
                if (GrpcTarget(OptionsOf(services, downstream), downstream).Scheme is not ("http" or "https"))
                {
                    // A resolver's address says nothing of TLS: our services speak plain HTTP/2 inside the network.
                    channel.Credentials = ChannelCredentials.Insecure;
                    // Without it the channel would "pick first": every call to the first instance that answers.
                    channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
                }
            })
            .AddInterceptor(services => new ServiceProxyInterceptor(PipelineOf(services, downstream), OptionsOf(services, downstream).Timeout))
            // Outside a gRPC call (a REST endpoint, a message handler) there is nothing to propagate: not an error.
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
    }

    /// <summary>
    /// What the gRPC channel connects to. <c>http://host:port</c>: one connection to one instance (HTTP/2 keeps it
    /// open, so a load balancer in front sees one long connection, not the calls). <c>static:///{downstream}</c>, when
    /// <c>GrpcAddresses</c> lists the instances: Grpc.Net.Client's static resolver gets them (<see cref="AddGrpcResolvers"/>)
    /// and the channel connects to each. <c>dns:///host:port</c>: its DNS resolver gets every address of the name
    /// (a Kubernetes headless Service: one per ready pod).
    /// </summary>
    private static Uri GrpcTarget(ServiceProxyOptions options, string downstream) =>
        options.GrpcAddresses.Count > 0 ? new Uri($"static:///{downstream}")
        : options.GrpcAddress ?? throw MissingAddress(downstream, "GrpcAddress");

    /// <summary>
    /// Once for every downstream, in DI where the channels look for resolvers: <c>static:///{downstream}</c> resolves to
    /// that downstream's <c>GrpcAddresses</c>, and <c>dns:///</c> asks DNS again every 30 s (by default only when a
    /// connection breaks), so that a new pod gets calls too.
    /// </summary>
    private static void AddGrpcResolvers(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, StaticResolverFactory>(services =>
            new StaticResolverFactory(target => OptionsOf(services, target.AbsolutePath.Trim('/')).GrpcAddresses.Select(a => new BalancerAddress(a.Host, a.Port)))));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, DnsResolverFactory>(_ =>
            new DnsResolverFactory(refreshInterval: TimeSpan.FromSeconds(30))));
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
