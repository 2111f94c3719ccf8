using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Launcher.Commands;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// The launcher is the demo path and the test path: these tests start the real service processes
/// with it and check that stopping leaves nothing behind.
/// </summary>
public sealed class LauncherTests
{
    [Fact]
    public async Task The_launcher_starts_every_service_as_a_process_that_answers_over_http_and_the_demo_runs()
    {
        int[] pids;
        await using (var test = await TestSystem.StartAsync())
        {
            var system = test.System;
            pids = [.. system.Services.Select(s => s.Process.Pid)];
            Assert.Equal(SystemCatalog.Services.Select(s => s.Name), system.Services.Select(s => s.Definition.Name));

            using var http = new HttpClient { BaseAddress = new Uri(test.Service("consumer").BaseUrl) };
            var created = await http.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "25.00" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var consumer = await http.GetFromJsonAsync<JsonNode>(created.Headers.Location);
            Assert.Equal("25.00", consumer!["orderLimit"]!.GetValue<string>());

            // `./ftgo demo` runs these very steps; each throws if a response is not the one it expects.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await DemoCommand.RunStepsAsync(system, timeout.Token);
        }

        Assert.All(pids, pid => Assert.False(Posix.IsAlive(pid), $"service process {pid} still runs"));
    }

    [Fact]
    public async Task Ctrl_C_to_ftgo_up_stops_postgres_rabbitmq_epmd_and_every_service()
    {
        // Not CreateTempSubdirectory: its mode 700 would keep the 'postgres' user out when we run as root.
        var dataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ftgo-up-{Guid.NewGuid():N}")).FullName;
        var launcher = Path.Combine(SystemCatalog.RepositoryRoot(), "tools", "Launcher", "bin", "Debug", "net10.0", "FoodOrdering.Launcher.dll");
        var startInfo = new ProcessStartInfo("dotnet", [launcher, "up", "--free-ports", "--data-dir", dataDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // This test is about the launcher's own private infrastructure, not the shared test one.
        startInfo.Environment.Remove("FTGO_POSTGRES");
        startInfo.Environment.Remove("FTGO_RABBITMQ");

        using var process = Process.Start(startInfo)!;
        var healthy = new TaskCompletionSource();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            output.Enqueue(e.Data);
            if (e.Data.Contains("All healthy"))
            {
                healthy.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Exited += (_, _) => healthy.TrySetException(new TimeoutException("The launcher exited before it was healthy."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await healthy.Task.WaitAsync(TimeSpan.FromMinutes(2));
            // The launcher lists what it started (services, RabbitMQ, epmd, postmaster) for exactly this check.
            var started = File.ReadAllLines(Path.Combine(dataDirectory, "launcher.pids")).Select(int.Parse).ToList();
            Assert.Equal(SystemCatalog.Services.Count + 3, started.Count);
            Assert.NotEmpty(ProcessesMentioning(dataDirectory));

            Posix.Signal(process.Id, Posix.SigInt);
            using var exitTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(exitTimeout.Token);

            // Nothing that was started for this data folder survives: postmaster, beam.smp, epmd, services.
            await Wait.UntilAsync(_ => Task.FromResult(ProcessesMentioning(dataDirectory).Count == 0), TimeSpan.FromSeconds(10),
                "every process of the launcher to end", CancellationToken.None,
                () => string.Join(Environment.NewLine, ProcessesMentioning(dataDirectory)));
            Assert.All(started, pid => Assert.False(Posix.IsAlive(pid), $"process {pid} still runs"));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(40))}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            foreach (var leftover in ProcessesMentioning(dataDirectory))
            {
                Posix.Signal(int.Parse(leftover.Split(' ')[0]), Posix.SigKill);
            }
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>"pid commandline" of every process whose command line or environment names <paramref name="text"/>.</summary>
    private static List<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || !Posix.IsAlive(pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environment = File.ReadAllText(Path.Combine(dir, "environ"));
                if (commandLine.Contains(text) || environment.Contains(text))
                {
                    found.Add($"{pid} {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }
        return found;
    }
}
