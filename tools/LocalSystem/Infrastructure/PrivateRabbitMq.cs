using System.Net.Http.Headers;
using System.Text;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.LocalSystem.Infrastructure;

/// <summary>
/// A private RabbitMQ node on 127.0.0.1 with its own epmd and distribution port (so it never collides
/// with a system-wide node or another private one), the management UI and the consistent-hash exchange plugin.
/// We start epmd ourselves so we own its PID: the Erlang VM would otherwise leave a daemon behind.
/// Default user guest/guest, which RabbitMQ allows on loopback: a demo default.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    /// <summary>
    /// The node's name names its data folder (mnesia/ftgo@localhost), so it never changes: a node that gets
    /// another port keeps its durable queues. Two private nodes never meet, as each has its own epmd.
    /// </summary>
    public const string NodeName = "ftgo@localhost";

    private readonly ManagedProcess epmd;
    private readonly ManagedProcess server;

    private PrivateRabbitMq(int amqpPort, int managementPort, ManagedProcess epmd, ManagedProcess server)
    {
        AmqpPort = amqpPort;
        ManagementPort = managementPort;
        this.epmd = epmd;
        this.server = server;
    }

    public int AmqpPort { get; }
    public int ManagementPort { get; }
    public string AmqpUri => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/";
    public string ManagementUrl => $"http://127.0.0.1:{ManagementPort}/";
    public IEnumerable<int> Pids => [server.Pid, epmd.Pid];

    public static async Task<PrivateRabbitMq> StartAsync(string directory, int amqpPort, int managementPort, int colour, CancellationToken cancellationToken)
    {
        var (serverScript, epmdPath) = await Prerequisites.OfThisMachine.RabbitMqAsync(cancellationToken);
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(Path.Combine(directory, "home"));
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{amqpPort}
            management.tcp.port = {managementPort}
            management.tcp.ip = 127.0.0.1
            loopback_users = none
            log.console.level = warning
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"),
            "[rabbitmq_management,rabbitmq_consistent_hash_exchange].", cancellationToken);

        var epmdPort = Network.FreePort();
        var distPort = Network.FreePort();
        var epmd = ManagedProcess.Start("epmd", colour, epmdPath, ["-port", epmdPort.ToString(), "-address", "127.0.0.1"]);
        var server = ManagedProcess.Start("rabbitmq", colour, serverScript, [], environment: new Dictionary<string, string?>
        {
            ["HOME"] = Path.Combine(directory, "home"),
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_DIST_PORT"] = distPort.ToString(),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        });

        var rabbitMq = new PrivateRabbitMq(amqpPort, managementPort, epmd, server);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
            await Wait.UntilAsync(async ct =>
                {
                    if (server.HasExited)
                    {
                        throw new InvalidOperationException($"RabbitMQ exited during start-up:{Environment.NewLine}{string.Join(Environment.NewLine, server.RecentLines)}");
                    }
                    return await Network.AcceptsConnectionsAsync(amqpPort, ct) && await ManagementAnswersAsync(http, rabbitMq.ManagementUrl, ct);
                },
                TimeSpan.FromSeconds(90), "RabbitMQ to accept AMQP connections and answer on its management port", cancellationToken,
                () => string.Join(Environment.NewLine, server.RecentLines));
            return rabbitMq;
        }
        catch
        {
            await rabbitMq.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> ManagementAnswersAsync(HttpClient http, string managementUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"{managementUrl}api/overview", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Kills the node and its epmd without waiting (see <see cref="ManagedProcess.Kill"/>).</summary>
    public void Kill()
    {
        server.Kill();
        epmd.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM to the start script makes it stop the broker gracefully (it traps TERM).
        await server.StopAsync(TimeSpan.FromSeconds(30));
        await epmd.StopAsync(TimeSpan.FromSeconds(5));
    }
}
