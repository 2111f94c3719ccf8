using System.Text.Json;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// No Docker engine or Kubernetes runs where we test, so docker-compose.yml and k8s/ are kept honest statically: every service
/// the launcher starts, the gateway included, is in it, built from its project, with the same port and connection strings.
/// (`docker-compose -f docker-compose.yml config -q` and `kubectl kustomize k8s/` validate the syntax where they exist.)
/// The Kubernetes manifests in k8s/ get the same treatment.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = SystemCatalog.RepositoryRoot();
    private static readonly string Compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
    private static readonly ServiceDefinition Gateway = SystemCatalog.Services.Single(s => s.IsGateway);

    public static TheoryData<string> ServiceNames() => [.. SystemCatalog.Services.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Docker_compose_runs_every_service_like_the_launcher_does(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var block = ComposeService(service.Name);

        Assert.Contains($"PROJECT: {service.ProjectDirectory}/{service.AssemblyName}.csproj\n", block);
        Assert.Contains($"ASSEMBLY: {service.AssemblyName}\n", block);
        Assert.Contains($"Urls: http://0.0.0.0:{service.RestPort}\n", block);
        if (service.GrpcPort is { } grpcPort)
        {
            Assert.Contains($"Grpc__Port: \"{grpcPort}\"\n", block);
        }
        else
        {
            Assert.DoesNotContain("Grpc__", block);
        }
        if (service.ConnectionName is { } connectionName)
        {
            Assert.Contains($"ConnectionStrings__{connectionName}: Host=postgres;Port=5432;Database={service.DatabaseName};", block);
            Assert.Contains("ConnectionStrings__RabbitMq: amqp://guest:guest@rabbitmq:5672/", block);
        }
        else
        {
            Assert.DoesNotContain("ConnectionStrings__", block);
        }
        // Telemetry goes to the compose file's trace viewer, as `./ftgo up` sends it to its own.
        Assert.Contains("\n  trace-viewer:\n", Compose);
        Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT: http://trace-viewer:18889\n      OTEL_SERVICE_NAME: {service.Name}\n", block);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Kubernetes_runs_every_service_with_probes_on_its_health_endpoints(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var path = Path.Combine(Root, "k8s", $"{service.Name}.yaml");
        Assert.True(File.Exists(path), $"k8s/{service.Name}.yaml is missing");
        var manifest = File.ReadAllText(path);

        Assert.Contains($"  - {service.Name}.yaml", File.ReadAllText(Path.Combine(Root, "k8s", "kustomization.yaml")));
        Assert.Contains($"image: foodordering/{service.Name}:latest", manifest);
        Assert.Contains($"containerPort: {service.RestPort}", manifest);
        Assert.Contains($"value: http://0.0.0.0:{service.RestPort}\n", manifest);
        Assert.Contains("path: /health/live", manifest);
        Assert.Contains("path: /health/ready", manifest);
        if (service.GrpcPort is { } grpcPort)
        {
            Assert.Contains($"containerPort: {grpcPort}", manifest);
        }
        else
        {
            Assert.DoesNotContain("name: grpc", manifest);
            Assert.DoesNotContain("Grpc__", manifest);
        }
        if (service.ConnectionName is { } connectionName)
        {
            Assert.Contains($"name: ConnectionStrings__{connectionName}", manifest);
            Assert.Contains($"Database={service.DatabaseName};", manifest);
        }
        else
        {
            Assert.DoesNotContain("ConnectionStrings__", manifest);
        }
    }

    /// <summary>
    /// The gateway under compose: the public entry on 127.0.0.1:8080, a destination for every cluster of its ReverseProxy
    /// section (every instance compose runs: kitchen and kitchen-2), started after them, with the demo signing key and demo
    /// tokens the launcher passes. The keys are the ones the gateway reads: Downstreams:{cluster}:HttpAddress(es)
    /// (DownstreamDestinations), Gateway:Jwt:SigningKey (EdgeSecurity), Gateway:DemoTokens:Enabled (DemoTokens).
    /// </summary>
    [Fact]
    public void Docker_compose_runs_the_gateway_in_front_of_every_instance_of_every_service()
    {
        var gateway = ComposeService(Gateway.Name);

        Assert.Contains($"      - \"127.0.0.1:{Gateway.RestPort}:{Gateway.RestPort}\"\n", gateway);
        foreach (var cluster in GatewayClusters())
        {
            var service = SystemCatalog.Services.Single(s => s.Name == cluster);
            string[] instances = [cluster, .. Enumerable.Range(2, 8).Select(i => $"{cluster}-{i}").Where(n => Compose.Contains($"\n  {n}:\n", StringComparison.Ordinal))];
            if (instances.Length == 1)
            {
                Assert.Contains($"Downstreams__{cluster}__HttpAddress: http://{cluster}:{service.RestPort}\n", gateway);
            }
            else
            {
                Assert.All(instances.Select((instance, i) => $"Downstreams__{cluster}__HttpAddresses__{i}: http://{instance}:{service.RestPort}\n"),
                    line => Assert.Contains(line, gateway));
                Assert.DoesNotContain($"Downstreams__{cluster}__HttpAddresses__{instances.Length}:", gateway);
            }
            Assert.All(instances, instance => Assert.Matches($@"\n      {Regex.Escape(instance)}: \{{ condition: service_(started|healthy) \}}\n", gateway));
        }
        Assert.Contains($"Gateway__Jwt__SigningKey: {SystemCatalog.DemoSigningKey}\n", gateway);
        Assert.Contains("Gateway__DemoTokens__Enabled: \"true\"\n", gateway);
    }

    /// <summary>The gateway on Kubernetes: a destination per cluster (each service's ClusterIP Service), the signing key from a Secret, and the Ingress to it.</summary>
    [Fact]
    public void Kubernetes_runs_the_gateway_behind_the_ingress_with_its_key_in_a_secret()
    {
        var manifest = File.ReadAllText(Path.Combine(Root, "k8s", $"{Gateway.Name}.yaml"));

        foreach (var cluster in GatewayClusters())
        {
            var service = SystemCatalog.Services.Single(s => s.Name == cluster);
            Assert.Contains($"  Downstreams__{cluster}__HttpAddress: http://{cluster}:{service.RestPort}\n", manifest);
        }
        Assert.Contains("kind: ConfigMap\nmetadata:\n  name: gateway-config\n", manifest);
        Assert.Contains("- configMapRef: { name: gateway-config }", manifest);
        Assert.Contains("  Gateway__DemoTokens__Enabled: \"true\"\n", manifest);
        Assert.Contains($"kind: Secret\nmetadata:\n  name: gateway-signing-key\ntype: Opaque\nstringData:\n  signing-key: {SystemCatalog.DemoSigningKey}\n", manifest);
        Assert.Contains("- name: Gateway__Jwt__SigningKey\n              valueFrom: { secretKeyRef: { name: gateway-signing-key, key: signing-key } }", manifest);
        Assert.Contains("kind: Service\nmetadata:\n  name: gateway\n", manifest);
        Assert.Contains($"- {{ name: http, port: {Gateway.RestPort} }}", manifest);

        // The one Ingress of k8s/ sends everything to the gateway.
        var ingresses = Directory.GetFiles(Path.Combine(Root, "k8s"), "*.yaml")
            .Where(f => File.ReadAllText(f).Contains("kind: Ingress", StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
        Assert.Equal([$"{Gateway.Name}.yaml"], ingresses);
        Assert.Contains("- path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: gateway\n", manifest);
    }

    [Fact]
    public void Docker_compose_publishes_ports_on_loopback_only()
    {
        var published = Compose.Split('\n').Where(line => line.TrimStart().StartsWith("- \"", StringComparison.Ordinal) && line.Contains(':')).ToList();

        Assert.NotEmpty(published);
        Assert.All(published, line => Assert.Contains("\"127.0.0.1:", line));
    }

    // The Kitchen service's instances share a sharded channel: each needs a distinct index, and all agree on the count.
    [Fact]
    public void Kitchen_instances_get_distinct_shard_indexes_in_compose_and_kubernetes()
    {
        Assert.Contains("\n  kitchen-2:\n", Compose);
        Assert.Contains("Instance__Index: \"0\"\n      Instance__Count: \"2\"\n", Compose);
        Assert.Contains("Instance__Index: \"1\"\n      Instance__Count: \"2\"\n", Compose);

        var manifest = File.ReadAllText(Path.Combine(Root, "k8s", "kitchen.yaml"));
        Assert.Contains("kind: StatefulSet", manifest);
        Assert.Contains("replicas: 2", manifest);
        Assert.Contains("fieldPath: \"metadata.labels['apps.kubernetes.io/pod-index']\"", manifest);
        Assert.Contains("- name: Instance__Count\n              value: \"2\"", manifest);
    }

    /// <summary>One service of docker-compose.yml: its line and the more indented lines under it.</summary>
    private static string ComposeService(string name)
    {
        var lines = Compose.Split('\n');
        var start = Array.IndexOf(lines, $"  {name}:");
        Assert.True(start >= 0, $"docker-compose.yml has no service {name}");
        var body = lines.Skip(start + 1).TakeWhile(line => line.Length == 0 || line.StartsWith("    ", StringComparison.Ordinal));
        return string.Join('\n', [lines[start], .. body, ""]);
    }

    /// <summary>The clusters of the gateway's ReverseProxy section: the services it routes to.</summary>
    private static List<string> GatewayClusters()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, Gateway.ProjectDirectory, "appsettings.json")));
        var clusters = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").EnumerateObject().Select(c => c.Name).ToList();
        Assert.NotEmpty(clusters);
        return clusters;
    }
}
