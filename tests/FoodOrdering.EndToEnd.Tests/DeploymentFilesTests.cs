using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FoodOrdering.LocalSystem;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;
using FoodOrdering.ServiceDefaults.Resilience;
using static FoodOrdering.EndToEnd.Tests.DeploymentFiles;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// No Docker engine or Kubernetes runs where we test, so the Dockerfile, docker-compose.yml and k8s/ are kept honest by
/// parsing them: every service the launcher starts, the gateway included, is built by the Dockerfile, run by compose and
/// deployed on Kubernetes with the ports, configuration keys, databases and health paths of SystemCatalog and of the code.
/// The tools' own checks (docker-compose config, kubectl kustomize, the API schemas, the Dockerfile's build run natively)
/// are in <see cref="DeploymentToolsTests"/>.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly ServiceDefinition Gateway = SystemCatalog.Services.Single(s => s.IsGateway);

    private static readonly string[] InfrastructureServices = ["postgres", "rabbitmq", "trace-viewer"];

    public static TheoryData<string> ServiceNames() => [.. SystemCatalog.Services.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void The_Dockerfile_builds_every_service_from_its_project_with_its_ports(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var args = ComposeServices[name]?["build"]?["args"] ?? throw new Xunit.Sdk.XunitException($"docker-compose.yml builds no {name}");

        Assert.Equal(".", (string?)ComposeServices[name]!["build"]!["context"]);
        Assert.Null(ComposeServices[name]!["build"]!["dockerfile"]); // the one Dockerfile at the root
        var project = $"{service.ProjectDirectory}/{service.AssemblyName}.csproj";
        Assert.Equal(project, (string?)args["PROJECT"]);
        Assert.True(File.Exists(PathOf(project)), project);
        Assert.Equal(service.AssemblyName, (string?)args["ASSEMBLY"]);
        Assert.Equal(service.RestPort.ToString(), (string?)args["REST_PORT"]);
        Assert.Equal(service.GrpcPort?.ToString(), (string?)args["GRPC_PORT"]);

        // The restore layer holds the project and every project it references, so `dotnet restore` runs before the sources come.
        var restoreLayer = RestoreLayerFiles();
        Assert.All(ProjectClosure(project), p => Assert.Contains(p, restoreLayer));
    }

    [Fact]
    public void The_Dockerfile_is_multi_stage_pinned_restores_first_and_runs_as_a_non_root_user_with_a_healthcheck()
    {
        Assert.Equal(2, Dockerfile.Count);
        var (build, runtime) = (Dockerfile[0], Dockerfile[1]);

        // Pinned: the SDK of global.json, and a runtime MAJOR.MINOR.PATCH, never a floating 10.0 or latest.
        using var globalJson = JsonDocument.Parse(File.ReadAllText(PathOf("global.json")));
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{globalJson.RootElement.GetProperty("sdk").GetProperty("version").GetString()}", build.Image);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0\.\d+$", runtime.Image);

        // First only what restore reads, then restore, then the sources, then publish without a second restore.
        var order = build.Instructions.Select(i => i.Keyword == "COPY" && i.Arguments == ". ." ? "SOURCES" : i.Keyword).Where(k => k is "COPY" or "RUN" or "SOURCES").ToList();
        Assert.Equal(["RUN", "SOURCES", "RUN"], order.SkipWhile(k => k == "COPY").ToList());
        Assert.Matches(@"^dotnet restore ""\$PROJECT""$", build.All("RUN").First().Arguments);
        Assert.Matches(@"^dotnet publish ""\$PROJECT"" .*--no-restore", build.All("RUN").Last().Arguments);
        Assert.Contains("Directory.Build.props", RestoreLayerFiles());
        Assert.Contains("Directory.Packages.props", RestoreLayerFiles());
        Assert.Contains("global.json", RestoreLayerFiles());

        // The runtime stage: the published app only, the image's own non-root user, its ports, and a healthcheck
        // that needs nothing the image lacks: the service's own assembly (HealthCheckCommand).
        Assert.Equal(["--from=build"], runtime.All("COPY").Single().CopyArguments().Flags);
        Assert.Equal("$APP_UID", runtime.All("USER").Single().Arguments);
        Assert.Equal("${REST_PORT} ${GRPC_PORT}", runtime.All("EXPOSE").Single().Arguments);
        Assert.EndsWith($"CMD dotnet \"$SERVICE_ASSEMBLY\" {HealthCheckCommand.Argument}", runtime.All("HEALTHCHECK").Single().Arguments);
        Assert.Equal("SERVICE_ASSEMBLY=${ASSEMBLY}.dll", runtime.All("ENV").Single().Arguments);

        // What the build context leaves out: outputs of this machine (obj/ would override the image's own restore).
        var ignored = File.ReadAllLines(PathOf(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains("**/node_modules/", ignored);
        Assert.Contains(".git/", ignored);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Docker_compose_runs_every_service_like_the_launcher_does(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var environment = ComposeEnvironment(name);

        Assert.Equal($"http://0.0.0.0:{service.RestPort}", environment["Urls"]);
        if (service.GrpcPort is { } grpcPort)
        {
            Assert.Equal("0.0.0.0", environment["Grpc__Host"]);
            Assert.Equal(grpcPort.ToString(), environment["Grpc__Port"]);
        }
        else
        {
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("Grpc__", StringComparison.Ordinal));
        }
        if (service.ConnectionName is { } connectionName)
        {
            Assert.StartsWith($"Host=postgres;Port=5432;Database={service.DatabaseName};", environment[$"ConnectionStrings__{connectionName}"]);
            Assert.Equal("amqp://guest:guest@rabbitmq:5672/", environment["ConnectionStrings__RabbitMq"]);
            Assert.Equal("service_healthy", (string?)ComposeServices[name]!["depends_on"]!["postgres"]!["condition"]);
            Assert.Equal("service_healthy", (string?)ComposeServices[name]!["depends_on"]!["rabbitmq"]!["condition"]);
        }
        else
        {
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        }
        // Telemetry goes to the compose file's trace viewer (OTLP/gRPC), as `./ftgo up` sends it to its own.
        Assert.NotNull(ComposeServices["trace-viewer"]);
        Assert.Equal($"http://trace-viewer:{SystemCatalog.OtlpGrpcPort}", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal(name, environment["OTEL_SERVICE_NAME"]);

        // REST only through the gateway (the one public entry); a service publishes its gRPC port alone, for the
        // gRPC labs, on loopback on the launcher's port: the walkthrough's commands are the same under both.
        int[] expected = service.IsGateway ? [service.RestPort] : service.GrpcPort is { } g ? [g] : [];
        Assert.Equal(expected.Select(p => ("127.0.0.1", p, p)), PublishedPorts(name));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Kubernetes_runs_every_service_with_probes_on_its_health_endpoints_and_resources(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var container = Container(Workload(name));
        var environment = ContainerEnvironment(container);

        // The image `docker compose build` tags (k8s/README.md: load it into kind or minikube).
        Assert.Matches($"^foodordering/{name}:", (string?)container["image"]);
        Assert.Equal((string?)container["image"], (string?)ComposeServices[name]!["image"]);
        var ports = container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (string)p!["containerPort"]!);
        var servicePorts = KubernetesObject("Service", name)["spec"]!["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => ((string)p!["port"]!, (string?)p!["targetPort"]));
        Assert.Equal(service.RestPort.ToString(), ports["http"]);
        Assert.Equal((service.RestPort.ToString(), "http"), servicePorts["http"]);
        Assert.Equal($"http://0.0.0.0:{service.RestPort}", environment["Urls"]);
        if (service.GrpcPort is { } grpcPort)
        {
            Assert.Equal(grpcPort.ToString(), ports["grpc"]);
            Assert.Equal((grpcPort.ToString(), "grpc"), servicePorts["grpc"]);
            Assert.Equal(grpcPort.ToString(), environment["Grpc__Port"]);
            Assert.Equal("0.0.0.0", environment["Grpc__Host"]);
        }
        else
        {
            Assert.False(ports.ContainsKey("grpc"));
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("Grpc__", StringComparison.Ordinal));
        }
        if (service.ConnectionName is { } connectionName)
        {
            Assert.StartsWith($"Host=postgres;Port=5432;Database={service.DatabaseName};", environment[$"ConnectionStrings__{connectionName}"]);
        }
        else
        {
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        }

        // Started once it answers (after its migrations), restarted when the process stops answering, and in its Service
        // while ready: its own database only (ServiceDefaults' ready checks), never the broker or another service.
        Assert.Equal(ServiceDefaultsExtensions.LivePath, (string?)container["startupProbe"]?["httpGet"]?["path"]);
        Assert.Equal(ServiceDefaultsExtensions.LivePath, (string?)container["livenessProbe"]?["httpGet"]?["path"]);
        Assert.Equal(ServiceDefaultsExtensions.ReadyPath, (string?)container["readinessProbe"]?["httpGet"]?["path"]);
        Assert.All(new[] { "startupProbe", "livenessProbe", "readinessProbe" }, probe => Assert.Equal("http", (string?)container[probe]!["httpGet"]!["port"]));
        Assert.All(new[] { "requests", "limits" }, kind => Assert.All(new[] { "cpu", "memory" }, resource =>
            Assert.False(string.IsNullOrEmpty((string?)container["resources"]?[kind]?[resource]), $"{name}: resources.{kind}.{resource}")));
    }

    /// <summary>
    /// Every environment variable of a service's compose service and Kubernetes container is a configuration key its code
    /// reads (`:` written `__`): one of its appsettings files, or a key read in code (<see cref="KeysReadInCode"/>).
    /// A misspelt key would be silently ignored by the service; here it fails.
    /// </summary>
    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Environment_variable_names_are_configuration_keys_the_service_reads(string name)
    {
        var service = SystemCatalog.Services.Single(s => s.Name == name);
        var settingsKeys = Directory.GetFiles(PathOf(service.ProjectDirectory), "appsettings*.json").SelectMany(f => FlattenedKeys(JsonNode.Parse(File.ReadAllText(f))!, "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var composeInstances = ComposeServices.Where(s => s.Key == name || s.Key.StartsWith($"{name}-", StringComparison.Ordinal)).Select(s => s.Key);
        var gatewayConfig = service.IsGateway ? KubernetesObject("ConfigMap", "gateway-config")["data"]!.AsObject().Select(e => e.Key) : [];
        var names = composeInstances.SelectMany(i => ComposeEnvironment(i).Keys)
            .Concat(ContainerEnvironment(Container(Workload(name))).Keys)
            .Concat(gatewayConfig)
            .Distinct().ToList();

        Assert.NotEmpty(names);
        Assert.All(names, variable =>
        {
            var key = variable.Replace("__", ":", StringComparison.Ordinal);
            var indexless = Regex.Replace(key, @":\d+(?=:|$)", "");
            Assert.True(settingsKeys.Contains(indexless) || KeysReadInCode.Any(k => k.Key.IsMatch(key) && SourceReads(k.File, k.ReadAs)),
                $"{name}: {variable} is no configuration key of {service.ProjectDirectory} (not in its appsettings files, not in {nameof(KeysReadInCode)})");
        });
    }

    /// <summary>Keys that no appsettings file sets: each with the file that reads it and how (checked to be there).</summary>
    private static readonly (Regex Key, string File, string ReadAs)[] KeysReadInCode =
    [
        (new($"^{GrpcEndpointOptions.SectionName}:({nameof(GrpcEndpointOptions.Host)}|{nameof(GrpcEndpointOptions.Port)})$"),
            "shared/FoodOrdering.ServiceDefaults/Grpc/GrpcServerExtensions.cs", "GetSection(GrpcEndpointOptions.SectionName).Bind(endpoint)"),
        (new($"^{ServiceProxyOptions.SectionName}:[a-z]+:({nameof(ServiceProxyOptions.GrpcAddress)}|{nameof(ServiceProxyOptions.GrpcAddresses)}:\\d+|{nameof(ServiceProxyOptions.HttpAddress)})$"),
            "shared/FoodOrdering.ServiceDefaults/Resilience/ServiceProxyOptions.cs", "public const string SectionName = \"Downstreams\";"),
        (new(@"^Downstreams:[a-z]+:(HttpAddress|HttpAddresses:\d+)$"), "gateway/Routing/DownstreamDestinations.cs", "GetSection(\"HttpAddresses\")"),
        (new(@"^Instance:(Index|Count)$"), "services/Kitchen/KitchenServiceExtensions.cs", "GetValue(\"Instance:Index\", 0), builder.Configuration.GetValue(\"Instance:Count\", 1)"),
        (new("^Faults:Enabled$"), "shared/FoodOrdering.ServiceDefaults/Faults/FaultInjectionExtensions.cs", "configuration.GetValue<bool>($\"{SectionName}:Enabled\")"),
        (new("^OTEL_SERVICE_NAME$"), "shared/FoodOrdering.ServiceDefaults/TelemetryExtensions.cs", "builder.Configuration[\"OTEL_SERVICE_NAME\"]"),
        (new("^OTEL_EXPORTER_OTLP_ENDPOINT$"), "shared/FoodOrdering.ServiceDefaults/TelemetryExtensions.cs", "builder.Configuration[\"OTEL_EXPORTER_OTLP_ENDPOINT\"]"),
        // Kubernetes: the Secret's user and password, spliced into the connection string with $(PGUSER)/$(PGPASSWORD);
        // they are also libpq's and Npgsql's own variables for the same thing.
        (new("^(PGUSER|PGPASSWORD)$"), "k8s/infrastructure.yaml", "postgres-password: ftgo"),
    ];

    /// <summary>
    /// The gateway under compose: the public entry on 127.0.0.1:8080, a destination for every cluster of its ReverseProxy
    /// section (every instance compose runs: kitchen and kitchen-2), started once they are healthy, with the demo signing
    /// key and demo tokens the launcher passes (Downstreams:{cluster}:HttpAddress(es), Gateway:Jwt:SigningKey, Gateway:DemoTokens:Enabled).
    /// </summary>
    [Fact]
    public void Docker_compose_runs_the_gateway_in_front_of_every_healthy_instance_of_every_service()
    {
        var environment = ComposeEnvironment(Gateway.Name);
        var dependsOn = ComposeServices[Gateway.Name]!["depends_on"]!.AsObject();

        foreach (var cluster in GatewayClusters())
        {
            var service = SystemCatalog.Services.Single(s => s.Name == cluster);
            var instances = ComposeInstancesOf(cluster);
            if (instances.Count == 1)
            {
                Assert.Equal($"http://{cluster}:{service.RestPort}", environment[$"Downstreams__{cluster}__HttpAddress"]);
            }
            else
            {
                var addresses = environment.Where(e => e.Key.StartsWith($"Downstreams__{cluster}__HttpAddresses__", StringComparison.Ordinal)).OrderBy(e => e.Key).Select(e => e.Value);
                Assert.Equal(instances.Select(i => $"http://{i}:{service.RestPort}"), addresses);
            }
            Assert.All(instances, instance => Assert.Equal("service_healthy", (string?)dependsOn[instance]?["condition"]));
        }
        Assert.Equal(SystemCatalog.DemoSigningKey, environment["Gateway__Jwt__SigningKey"]);
        Assert.Equal("true", environment["Gateway__DemoTokens__Enabled"]);
    }

    /// <summary>The gateway on Kubernetes: a destination per cluster (each service's ClusterIP Service), the signing key from a Secret, the Ingress to it, and the ingress controller trusted.</summary>
    [Fact]
    public void Kubernetes_runs_the_gateway_behind_the_ingress_with_its_key_in_a_secret()
    {
        var config = KubernetesObject("ConfigMap", "gateway-config")["data"]!;
        var container = Container(Workload(Gateway.Name));

        foreach (var cluster in GatewayClusters())
        {
            var service = SystemCatalog.Services.Single(s => s.Name == cluster);
            Assert.Equal($"http://{cluster}:{service.RestPort}", (string?)config[$"Downstreams__{cluster}__HttpAddress"]);
        }
        Assert.Equal("true", (string?)config["Gateway__DemoTokens__Enabled"]);
        // Behind the Ingress: X-Forwarded-For is believed from the cluster's pod network (a CIDR network, or the gateway does not start).
        Assert.True(System.Net.IPNetwork.TryParse((string?)config["Gateway__TrustedProxies__0"], out _), "Gateway__TrustedProxies__0 is a CIDR network");
        Assert.Equal("gateway-config", (string?)container["envFrom"]!.AsArray().Single()!["configMapRef"]!["name"]);
        Assert.Equal(SystemCatalog.DemoSigningKey, (string?)KubernetesObject("Secret", "gateway-signing-key")["stringData"]!["signing-key"]);
        Assert.Equal("""{"secretKeyRef":{"name":"gateway-signing-key","key":"signing-key"}}""", ContainerEnvironment(container)["Gateway__Jwt__SigningKey"]);

        // The one Ingress sends everything to the gateway's Service.
        var path = KubernetesObjectsOf("Ingress").Single()["spec"]!["rules"]!.AsArray().Single()!["http"]!["paths"]!.AsArray().Single()!;
        Assert.Equal(("/", "Prefix", Gateway.Name, "http"), ((string?)path["path"], (string?)path["pathType"], (string?)path["backend"]!["service"]!["name"], (string?)path["backend"]!["service"]!["port"]!["name"]));
    }

    /// <summary>
    /// PostgreSQL and RabbitMQ the same way under compose and Kubernetes: the same pinned images, logical decoding for the
    /// log-tailing relay with a cap on what a slot may keep, a database per service, the consistent-hash exchange, the
    /// image's own user, healthchecks that test what the services use (TCP), and data in volumes.
    /// </summary>
    [Fact]
    public void PostgreSQL_and_RabbitMQ_are_configured_alike_under_compose_and_kubernetes()
    {
        var databases = SystemCatalog.Services.Where(s => s.ConnectionName is not null).Select(s => s.DatabaseName).ToList();
        var postgres = ComposeServices["postgres"]!;
        var rabbitmq = ComposeServices["rabbitmq"]!;
        var postgresPod = Container(Workload("postgres"));
        var rabbitmqPod = Container(Workload("rabbitmq"));

        Assert.Equal((string?)postgres["image"], (string?)postgresPod["image"]);
        Assert.Equal((string?)rabbitmq["image"], (string?)rabbitmqPod["image"]);
        Assert.All(InfrastructureServices, s => Assert.Matches(@":\d+\.\d+(\.\d+)?(-[a-z]+)?$", (string?)ComposeServices[s]!["image"]));

        var composeSettings = PostgresSettings(postgres["command"]!.AsArray().Skip(1));
        Assert.Equal("logical", composeSettings["wal_level"]);
        Assert.True(composeSettings.ContainsKey("max_slot_wal_keep_size"));
        Assert.Equal(composeSettings, PostgresSettings(postgresPod["args"]!.AsArray()));

        // A database per service, created by the init script on an empty volume.
        var initScript = postgres["volumes"]!.AsArray().Select(v => ((string)v!).Split(':')).Single(v => v[1].StartsWith("/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
        Assert.Equal(databases, DatabasesCreatedBy(File.ReadAllText(PathOf(initScript[0]))));
        Assert.Equal(databases, DatabasesCreatedBy((string)KubernetesObject("ConfigMap", "postgres-init")["data"]!["init-databases.sql"]!));

        // Healthy once it takes TCP connections, as the services make them (the init phase listens on the socket only).
        string[] tcpCheck = ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "ftgo", "-d", "postgres"];
        Assert.Equal(["CMD", .. tcpCheck], postgres["healthcheck"]!["test"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(tcpCheck, postgresPod["readinessProbe"]!["exec"]!["command"]!.AsArray().Select(a => (string)a!));

        // RabbitMQ: plugins from a mounted file, and the image's own command, so its entrypoint drops to the rabbitmq user.
        string[] plugins = ["rabbitmq_management", "rabbitmq_consistent_hash_exchange"];
        Assert.Null(rabbitmq["command"]);
        Assert.Null(rabbitmqPod["command"]);
        var pluginsFile = rabbitmq["volumes"]!.AsArray().Select(v => ((string)v!).Split(':')).Single(v => v[1] == "/etc/rabbitmq/enabled_plugins");
        Assert.Equal(plugins, EnabledPlugins(File.ReadAllText(PathOf(pluginsFile[0]))));
        Assert.Equal(plugins, EnabledPlugins((string)KubernetesObject("ConfigMap", "rabbitmq-plugins")["data"]!["enabled_plugins"]!));
        Assert.Equal("/etc/rabbitmq/enabled_plugins", (string?)rabbitmqPod["volumeMounts"]!.AsArray().Single(m => (string?)m!["subPath"] == "enabled_plugins")!["mountPath"]);
        Assert.Equal("rabbitmq-diagnostics", (string?)rabbitmq["healthcheck"]!["test"]![1]);

        // Data in named volumes (compose) and volume claims (Kubernetes); found by a headless Service of the StatefulSet's name.
        var namedVolumes = Compose["volumes"]!.AsObject().Select(v => v.Key).ToList();
        Assert.All(new[] { postgres, rabbitmq }, s => Assert.Contains(s["volumes"]!.AsArray().Select(v => ((string)v!).Split(':')[0]), namedVolumes.Contains));
        foreach (var statefulSet in new[] { "postgres", "rabbitmq" })
        {
            Assert.Equal(statefulSet, (string?)Workload(statefulSet)["spec"]!["serviceName"]);
            Assert.Equal("None", (string?)KubernetesObject("Service", statefulSet)["spec"]!["clusterIP"]);
            Assert.NotEmpty(Workload(statefulSet)["spec"]!["volumeClaimTemplates"]!.AsArray());
        }
    }

    [Fact]
    public void Docker_compose_publishes_on_loopback_only_and_infrastructure_only_its_user_interfaces()
    {
        var published = ComposeServices.SelectMany(s => PublishedPorts(s.Key).Select(p => (Service: s.Key, p.Address, p.HostPort))).ToList();

        Assert.NotEmpty(published);
        Assert.All(published, p => Assert.Equal("127.0.0.1", p.Address));
        Assert.Equal([("rabbitmq", 15672), ("trace-viewer", SystemCatalog.TraceViewerPort)],
            published.Where(p => InfrastructureServices.Contains(p.Service)).Select(p => (p.Service, p.HostPort)));
    }

    /// <summary>
    /// Every port docs/walkthrough.md calls is published by compose, or is one of `./ftgo up`'s private infrastructure
    /// ports (the walkthrough says what to use instead under compose); every published port is in the README's compose section.
    /// </summary>
    [Fact]
    public void Published_ports_are_the_ones_the_walkthrough_and_the_readme_use()
    {
        var published = ComposeServices.SelectMany(s => PublishedPorts(s.Key)).Select(p => p.HostPort).ToHashSet();
        // `./ftgo up` only: its private infrastructure, and the services' REST ports (compose reaches REST through the gateway).
        int[] launcherOnly =
        [
            SystemCatalog.PostgresPort, SystemCatalog.RabbitMqAmqpPort, SystemCatalog.RabbitMqManagementPort,
            .. SystemCatalog.Services.Where(s => !s.IsGateway).Select(s => s.RestPort),
        ];

        var walkthrough = LoopbackPorts().Matches(File.ReadAllText(PathOf("docs/walkthrough.md"))).Select(m => int.Parse(m.Groups["port"].Value)).ToHashSet();
        Assert.NotEmpty(walkthrough);
        Assert.All(walkthrough.Except(launcherOnly), port => Assert.Contains(port, published));

        var readme = File.ReadAllText(PathOf("README.md"));
        var start = readme.IndexOf("## Docker compose and Kubernetes", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section \"Docker compose and Kubernetes\"");
        var section = readme[start..] is var rest && rest.IndexOf("\n## ", 3, StringComparison.Ordinal) is var end and > 0 ? rest[..end] : rest;
        var documented = LoopbackPorts().Matches(section).Select(m => int.Parse(m.Groups["port"].Value)).ToHashSet();
        Assert.All(published, port => Assert.Contains(port, documented));
    }

    /// <summary>The Kitchen service's instances share a sharded channel: each needs a distinct index, and all agree on the count.</summary>
    [Fact]
    public void Kitchen_instances_get_distinct_shard_indexes_in_compose_and_kubernetes()
    {
        var instances = ComposeInstancesOf("kitchen");
        Assert.Equal(2, instances.Count);
        Assert.Equal(Enumerable.Range(0, instances.Count).Select(i => i.ToString()), instances.Select(i => ComposeEnvironment(i)["Instance__Index"]));
        Assert.All(instances, i => Assert.Equal(instances.Count.ToString(), ComposeEnvironment(i)["Instance__Count"]));

        // Kubernetes: a StatefulSet, whose pod ordinal is the index; Instance__Count equals its replicas.
        var kitchen = Workload("kitchen");
        var environment = ContainerEnvironment(Container(kitchen));
        Assert.Equal("StatefulSet", (string?)kitchen["kind"]);
        Assert.Equal("2", (string?)kitchen["spec"]!["replicas"]);
        Assert.Equal((string?)kitchen["spec"]!["replicas"], environment["Instance__Count"]);
        Assert.Equal("""{"fieldRef":{"fieldPath":"metadata.labels['apps.kubernetes.io/pod-index']"}}""", environment["Instance__Index"]);
        Assert.Equal("None", (string?)KubernetesObject("Service", (string)kitchen["spec"]!["serviceName"]!)["spec"]!["clusterIP"]);
    }

    /// <summary>
    /// One HTTP/2 connection carries every gRPC call, so a caller given one address of several instances (or a ClusterIP
    /// Service) sends all its calls to one Kitchen instance. Every caller lists every instance under compose
    /// (GrpcAddresses) and resolves the headless Service on Kubernetes (dns:///).
    /// </summary>
    [Fact]
    public void Every_grpc_caller_of_kitchen_balances_over_every_instance()
    {
        var grpcPort = SystemCatalog.Services.Single(s => s.Name == "kitchen").GrpcPort;
        var instances = ComposeInstancesOf("kitchen");
        var composeCallers = ComposeServices.Select(s => s.Key)
            .Where(name => ComposeEnvironment(name).Keys.Any(k => k.StartsWith("Downstreams__kitchen__Grpc", StringComparison.Ordinal))).ToList();
        Assert.Equal([Gateway.Name, "order"], composeCallers.Order());
        Assert.All(composeCallers, caller =>
        {
            var environment = ComposeEnvironment(caller);
            Assert.False(environment.ContainsKey("Downstreams__kitchen__GrpcAddress"), $"{caller}: one GrpcAddress pins one Kitchen instance");
            Assert.Equal(instances.Select(i => $"http://{i}:{grpcPort}"),
                environment.Where(e => e.Key.StartsWith("Downstreams__kitchen__GrpcAddresses__", StringComparison.Ordinal)).OrderBy(e => e.Key).Select(e => e.Value));
        });

        // Kubernetes: a container's env and the ConfigMaps it takes its env from.
        var headless = (string)Workload("kitchen")["spec"]!["serviceName"]!;
        var kubernetesCallers = SystemCatalog.Services.Select(s => s.Name).Select(name =>
        {
            var container = Container(Workload(name));
            var fromConfigMaps = (container["envFrom"]?.AsArray() ?? []).Select(e => (string?)e!["configMapRef"]?["name"]).OfType<string>()
                .SelectMany(map => KubernetesObject("ConfigMap", map)["data"]!.AsObject().Select(d => KeyValuePair.Create(d.Key, (string)d.Value!)));
            return (Name: name, Environment: ContainerEnvironment(container).Concat(fromConfigMaps).ToDictionary());
        }).Where(c => c.Environment.Keys.Any(k => k.StartsWith("Downstreams__kitchen__Grpc", StringComparison.Ordinal))).ToList();
        Assert.Equal([Gateway.Name, "order"], kubernetesCallers.Select(c => c.Name).Order());
        Assert.All(kubernetesCallers, caller => Assert.Equal($"dns:///{headless}:{grpcPort}", caller.Environment["Downstreams__kitchen__GrpcAddress"]));
    }

    [Fact]
    public void Kubernetes_puts_everything_in_one_namespace_with_demo_defaults_only_in_its_secrets()
    {
        var kustomization = LoadYaml(File.ReadAllText(PathOf("k8s/kustomization.yaml"))).Single();
        var ns = (string)kustomization["namespace"]!;

        Assert.Equal(ns, (string?)KubernetesObjectsOf("Namespace").Single()["metadata"]!["name"]);
        // The Secrets hold the documented demo defaults, nothing else.
        var secretValues = KubernetesObjectsOf("Secret").SelectMany(s => s["stringData"]!.AsObject().Select(e => (string)e.Value!)).ToList();
        Assert.Equal(["ftgo", "ftgo", "amqp://guest:guest@rabbitmq:5672/", SystemCatalog.DemoSigningKey], secretValues);
    }

    /// <summary>The project files a project needs to restore: itself and every project it references, transitively.</summary>
    private static IReadOnlyList<string> ProjectClosure(string project)
    {
        var seen = new List<string>();
        void Visit(string relative)
        {
            if (seen.Contains(relative))
            {
                return;
            }
            seen.Add(relative);
            var directory = Path.GetDirectoryName(PathOf(relative))!;
            foreach (var reference in XDocument.Load(PathOf(relative)).Descendants("ProjectReference").Select(r => (string)r.Attribute("Include")!))
            {
                Visit(Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(directory, reference))).Replace('\\', '/'));
            }
        }
        Visit(project);
        return seen;
    }

    /// <summary>The files the build stage copies before its first RUN, as repository paths.</summary>
    private static IReadOnlyList<string> RestoreLayerFiles() =>
        [.. Dockerfile[0].Instructions.TakeWhile(i => i.Keyword != "RUN").Where(i => i.Keyword == "COPY").SelectMany(i => i.CopyArguments().Sources)];

    private static List<string> ComposeInstancesOf(string service) =>
        [.. ComposeServices.Select(s => s.Key).Where(k => k == service || Regex.IsMatch(k, $"^{Regex.Escape(service)}-\\d+$"))];

    private static Dictionary<string, string> PostgresSettings(IEnumerable<JsonNode?> arguments)
    {
        var words = arguments.Select(a => (string)a!).ToList();
        Assert.All(words.Where((_, i) => i % 2 == 0), w => Assert.Equal("-c", w));
        return words.Where((_, i) => i % 2 == 1).Select(s => s.Split('=', 2)).ToDictionary(s => s[0], s => s[1]);
    }

    private static List<string> EnabledPlugins(string file) => [.. Regex.Matches(file, @"rabbitmq_\w+").Select(m => m.Value)];

    private static IEnumerable<string> FlattenedKeys(JsonNode node, string prefix) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [prefix + p.Key] : FlattenedKeys(p.Value, prefix + p.Key + ":")),
        JsonArray => [prefix.TrimEnd(':')],
        _ => [prefix.TrimEnd(':')],
    };

    private static bool SourceReads(string file, string readAs) => File.ReadAllText(PathOf(file)).Contains(readAs, StringComparison.Ordinal);

    /// <summary>The clusters of the gateway's ReverseProxy section: the services it routes to.</summary>
    private static List<string> GatewayClusters()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(PathOf(Path.Combine(Gateway.ProjectDirectory, "appsettings.json"))));
        var clusters = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").EnumerateObject().Select(c => c.Name).ToList();
        Assert.NotEmpty(clusters);
        return clusters;
    }

    [GeneratedRegex(@"(127\.0\.0\.1|localhost):(?<port>\d+)")]
    private static partial Regex LoopbackPorts();
}
