using System.Diagnostics;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using static FoodOrdering.EndToEnd.Tests.DeploymentFiles;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// What the real tools say about the deployment files, without a Docker engine or a cluster: Debian's docker-compose
/// validates docker-compose.yml, kubectl renders k8s/ with kustomize and every rendered object is validated against the
/// Kubernetes API schemas, and the Dockerfile's build stage, run natively, restores and publishes a service.
/// `./ftgo test` installs docker-compose and kubectl (Prerequisites.TestTools) and the validator's npm packages.
/// </summary>
public sealed class DeploymentToolsTests
{
    private static readonly CancellationToken Timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8)).Token;

    [Fact]
    public async Task Docker_compose_accepts_the_compose_file()
    {
        var output = await Tool.RunAsync(Installed("docker-compose", "docker-compose"), ["-f", PathOf("docker-compose.yml"), "config", "-q"], Timeout);

        Assert.Equal("", output.Trim());
    }

    [Fact]
    public async Task Kustomize_renders_k8s_and_every_object_passes_the_kubernetes_api_schema()
    {
        var rendered = await Tool.RunAsync(Installed("kubectl", "kubernetes-client"), ["kustomize", PathOf("k8s")], Timeout);
        var file = Path.Combine(Directory.CreateTempSubdirectory("ftgo-k8s-").FullName, "rendered.yaml");
        await File.WriteAllTextAsync(file, rendered, Timeout);
        try
        {
            // Everything of the kustomization, in its namespace.
            var objects = LoadYaml(rendered);
            Assert.Equal(KubernetesObjects.Count, objects.Count);
            Assert.All(objects.Where(o => (string?)o["kind"] != "Namespace"), o => Assert.Equal("foodordering", (string?)o["metadata"]!["namespace"]));

            var folder = PathOf("tests/FoodOrdering.EndToEnd.Tests/kubernetes-schema");
            Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), $"Run `npm ci --prefix {folder}` (./ftgo test does).");
            // It exits 1 (and Tool.RunAsync throws with its report) when an object is invalid.
            var report = await Tool.RunAsync("node", [Path.Combine(folder, "validate.mjs"), file], Timeout);

            Assert.Equal(objects.Count, Regex.Matches(report, "^ok ", RegexOptions.Multiline).Count);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    /// <summary>
    /// The Dockerfile's build stage, run natively for one service, the way Docker runs it: the restore layer's COPY lines
    /// copy into an empty folder, its restore must succeed with only those files (a project file missing from the layer
    /// fails here), then the build context (less .dockerignore) is copied and its publish must produce the service's dll.
    /// </summary>
    [Fact]
    public async Task The_Dockerfiles_restore_and_publish_succeed_when_run_natively()
    {
        var service = SystemCatalog.Services.Single(s => s.Name == "consumer");
        var build = Dockerfile[0];
        var work = Directory.CreateTempSubdirectory("ftgo-docker-build-").FullName;
        var (source, app) = (Path.Combine(work, "src"), Path.Combine(work, "app"));
        var environment = new Dictionary<string, string?> { ["PROJECT"] = $"{service.ProjectDirectory}/{service.AssemblyName}.csproj" };
        var runs = 0;
        try
        {
            foreach (var instruction in build.Instructions)
            {
                switch (instruction.Keyword)
                {
                    case "WORKDIR":
                        Assert.Equal("/src", instruction.Arguments);
                        Directory.CreateDirectory(source);
                        break;
                    case "ARG":
                        Assert.True(environment.ContainsKey(instruction.Arguments), $"Dockerfile: the test gives no value for ARG {instruction.Arguments}");
                        break;
                    case "COPY":
                        Copy(instruction, source);
                        break;
                    case "RUN":
                        // /app of the image is a folder of this test.
                        var command = Regex.Replace(instruction.Arguments, @"(?<=\s)/app(?=\s|$)", app);
                        await Tool.RunAsync("sh", ["-c", command], Timeout, environment, workingDirectory: source);
                        runs++;
                        break;
                    default:
                        Assert.Fail($"Dockerfile: the test does not know how to run {instruction.Keyword} of the build stage");
                        break;
                }
            }

            Assert.Equal(2, runs);
            Assert.True(File.Exists(Path.Combine(app, service.AssemblyName + ".dll")), $"{service.AssemblyName}.dll is not in the published folder");
            Assert.True(File.Exists(Path.Combine(app, "appsettings.json")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The images' HEALTHCHECK, `dotnet FoodOrdering.Consumer.dll --health-check` with the container's configuration (Urls on
    /// 0.0.0.0), run against a stand-in of the running service: it asks /health/ready on loopback and exits 0 on 200, 1
    /// otherwise or when nothing answers, without starting the service itself (no database or broker is there to start on).
    /// </summary>
    [Theory]
    [InlineData(200, 0)]
    [InlineData(503, 1)]
    [InlineData(0, 1)] // nothing listening
    public async Task The_images_healthcheck_asks_the_running_service_whether_it_is_ready(int status, int expectedExitCode)
    {
        var port = Network.FreePort();
        var asked = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var service = builder.Build();
        service.MapGet(ServiceDefaultsExtensions.ReadyPath, (HttpContext context) =>
        {
            lock (asked)
            {
                asked.Add(context.Request.Path);
            }
            return Results.StatusCode(status);
        });
        if (status != 0)
        {
            await service.StartAsync(Timeout);
            // One request first, so that the stand-in's own first-request cost (JIT, on a busy CI machine) is not
            // charged to the check's 3 s: what is tested is the check, not how fast a cold stand-in answers.
            using var warmUp = new HttpClient();
            (await warmUp.GetAsync($"http://127.0.0.1:{port}{ServiceDefaultsExtensions.ReadyPath}", Timeout)).Dispose();
            lock (asked)
            {
                asked.Clear();
            }
        }

        var assembly = SystemCatalog.Services.Single(s => s.Name == "consumer").AssemblyPath(Root, "Debug");
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(assembly)!, RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(assembly);
        startInfo.ArgumentList.Add(HealthCheckCommand.Argument);
        startInfo.Environment["Urls"] = $"http://0.0.0.0:{port}";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = null;
        startInfo.Environment["DOTNET_ENVIRONMENT"] = null;
        using var check = Process.Start(startInfo)!;
        var output = check.StandardOutput.ReadToEndAsync(Timeout);
        var errors = check.StandardError.ReadToEndAsync(Timeout);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await check.WaitForExitAsync(deadline.Token);

        Assert.True(expectedExitCode == check.ExitCode, $"exit code {check.ExitCode}: {await output}{await errors}");
        Assert.StartsWith($"GET http://127.0.0.1:{port}{ServiceDefaultsExtensions.ReadyPath}: ", await output);
        Assert.Equal(status == 0 ? [] : [ServiceDefaultsExtensions.ReadyPath], asked);
    }

    /// <summary>COPY in the build stage: either named files to a folder, or the whole build context (". .") less .dockerignore.</summary>
    private static void Copy(DockerfileInstruction instruction, string destinationRoot)
    {
        var (flags, sources, destination) = instruction.CopyArguments();
        Assert.Empty(flags);
        var target = Path.GetFullPath(Path.Combine(destinationRoot, destination));
        if (sources is ["."])
        {
            var ignored = DockerIgnored();
            CopyTree(Root, target, ignored);
            return;
        }
        Assert.EndsWith("/", destination);
        Directory.CreateDirectory(target);
        foreach (var file in sources)
        {
            Assert.True(File.Exists(PathOf(file)), $"Dockerfile: COPY {file}: no such file");
            File.Copy(PathOf(file), Path.Combine(target, Path.GetFileName(file)));
        }
    }

    /// <summary>.dockerignore as (folder name anywhere, folder at the root): the two forms the file uses; any other fails here.</summary>
    private static (HashSet<string> Anywhere, HashSet<string> AtRoot) DockerIgnored()
    {
        var (anywhere, atRoot) = (new HashSet<string>(), new HashSet<string>());
        foreach (var pattern in File.ReadAllLines(PathOf(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var match = Regex.Match(pattern, @"^(?<anywhere>\*\*/)?(?<name>[^/*]+)/$");
            Assert.True(match.Success, $".dockerignore: the test knows only 'name/' and '**/name/', not '{pattern}'");
            (match.Groups["anywhere"].Success ? anywhere : atRoot).Add(match.Groups["name"].Value);
        }
        return (anywhere, atRoot);
    }

    private static void CopyTree(string from, string to, (HashSet<string> Anywhere, HashSet<string> AtRoot) ignored, bool atRoot = true)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (!ignored.Anywhere.Contains(name) && !(atRoot && ignored.AtRoot.Contains(name)))
            {
                CopyTree(directory, Path.Combine(to, name), ignored, atRoot: false);
            }
        }
    }

    /// <summary>The tool on PATH; missing, the test fails with the line that installs it (`./ftgo test` installs it as root).</summary>
    private static string Installed(string executable, string package) =>
        Tool.FindOnPath(executable) ?? throw new Xunit.Sdk.XunitException(
            $"{executable} is not installed: {Prerequisites.InstallCommand([package])} (./ftgo test installs it)");
}
