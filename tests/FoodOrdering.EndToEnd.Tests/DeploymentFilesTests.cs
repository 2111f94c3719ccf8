using FoodOrdering.LocalSystem;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// No Docker engine or Kubernetes runs where we test, so docker-compose.yml and k8s/ are kept honest statically: every service
/// the launcher starts is in it, built from its project, with the same port and connection strings.
/// (`docker-compose -f docker-compose.yml config -q` validates the syntax where docker-compose exists.)
/// The Kubernetes manifests in k8s/ get the same treatment.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(SystemCatalog.RepositoryRoot(), "docker-compose.yml"));

    // The gateway is not in docker-compose.yml and k8s/ yet.
    public static TheoryData<string> ServiceNames() => [.. SystemCatalog.Services.Where(s => !s.IsGateway).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Docker_compose_runs_every_service_like_the_launcher_does(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);

        Assert.Contains($"\n  {service.Name}:\n", Compose);
        Assert.Contains($"PROJECT: {service.ProjectDirectory}/{service.AssemblyName}.csproj", Compose);
        Assert.Contains($"ASSEMBLY: {service.AssemblyName}\n", Compose);
        Assert.Contains($"Urls: http://0.0.0.0:{service.RestPort}\n", Compose);
        Assert.Contains($"Grpc__Port: \"{service.GrpcPort}\"\n", Compose);
        Assert.Contains($"ConnectionStrings__{service.ConnectionName}: Host=postgres;Port=5432;Database={service.DatabaseName};", Compose);
        Assert.Contains("ConnectionStrings__RabbitMq: amqp://guest:guest@rabbitmq:5672/", Compose);
        // Telemetry goes to the compose file's trace viewer, as `./ftgo up` sends it to its own.
        Assert.Contains("\n  trace-viewer:\n", Compose);
        Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT: http://trace-viewer:18889\n      OTEL_SERVICE_NAME: {service.Name}\n", Compose);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Kubernetes_runs_every_service_with_probes_on_its_health_endpoints(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var path = Path.Combine(SystemCatalog.RepositoryRoot(), "k8s", $"{service.Name}.yaml");
        Assert.True(File.Exists(path), $"k8s/{service.Name}.yaml is missing");
        var manifest = File.ReadAllText(path);

        Assert.Contains($"  - {service.Name}.yaml", File.ReadAllText(Path.Combine(SystemCatalog.RepositoryRoot(), "k8s", "kustomization.yaml")));
        Assert.Contains($"containerPort: {service.RestPort}", manifest);
        Assert.Contains($"containerPort: {service.GrpcPort}", manifest);
        Assert.Contains("path: /health/live", manifest);
        Assert.Contains("path: /health/ready", manifest);
        Assert.Contains($"name: ConnectionStrings__{service.ConnectionName}", manifest);
        Assert.Contains($"Database={service.DatabaseName};", manifest);
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

        var manifest = File.ReadAllText(Path.Combine(SystemCatalog.RepositoryRoot(), "k8s", "kitchen.yaml"));
        Assert.Contains("kind: StatefulSet", manifest);
        Assert.Contains("replicas: 2", manifest);
        Assert.Contains("fieldPath: \"metadata.labels['apps.kubernetes.io/pod-index']\"", manifest);
        Assert.Contains("- name: Instance__Count\n              value: \"2\"", manifest);
    }
}
