using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Testing;

/// <summary>
/// A private RabbitMQ node for one test class, which the test stops, starts again (same ports and data:
/// durable exchanges and queues survive) or freezes, to prove what happens while the broker is away.
/// </summary>
public sealed class RestartableRabbitMq : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ftgo-restartable-rabbitmq-{Guid.NewGuid():N}");
    private readonly int amqpPort = Network.FreePort();
    private readonly int managementPort = Network.FreePort();
    private PrivateRabbitMq? broker;

    public string AmqpUri => $"amqp://guest:guest@127.0.0.1:{amqpPort}/";

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        broker = await PrivateRabbitMq.StartAsync(directory, amqpPort, managementPort, 0, timeout.Token);
    }

    public async Task StopAsync()
    {
        await broker!.DisposeAsync();
        broker = null;
    }

    /// <summary>
    /// SIGSTOP to the node's whole process group: the broker hangs (connections open, nothing answered),
    /// as under a memory alarm or a stalled disk. <see cref="Thaw"/> lets it go on.
    /// </summary>
    public void Freeze() => Posix.SignalGroup(broker!.Pids.First(), SigStop);

    public void Thaw() => Posix.SignalGroup(broker!.Pids.First(), SigCont);

    public async ValueTask DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>A private PostgreSQL server for one test class, which the test stops and starts again (same port and data).</summary>
public sealed class RestartablePostgres : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ftgo-restartable-postgres-{Guid.NewGuid():N}");
    private readonly int port = Network.FreePort();
    private PrivatePostgres? postgres;

    /// <summary>The server without a database.</summary>
    public string ServerConnectionString => $"Host=127.0.0.1;Port={port};Username={PrivatePostgres.User};Password={PrivatePostgres.User}";

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        postgres = await PrivatePostgres.StartAsync(directory, port, timeout.Token);
    }

    /// <summary>A fast shutdown (pg_ctl -m fast): every session is ended, as in a restart or a failover.</summary>
    public async Task StopAsync()
    {
        await postgres!.DisposeAsync();
        postgres = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
        Directory.Delete(directory, recursive: true);
    }
}
