using FoodOrdering.LocalSystem.Infrastructure;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Testing;

/// <summary>
/// The real PostgreSQL and RabbitMQ every integration test runs against, ONE of each per test run.
/// `./ftgo test` starts them once and passes them to every test assembly through FTGO_POSTGRES and
/// FTGO_RABBITMQ (which may also point at docker-compose infrastructure). Without those variables
/// (e.g. `dotnet test` from an IDE) this process starts its own private ones on first use, with the
/// same launcher code as `./ftgo up`, and stops them when the test process exits.
/// </summary>
public static class TestInfrastructure
{
    private static readonly string PrivateDirectory = Path.Combine(Path.GetTempPath(), $"ftgo-tests-{Environment.ProcessId}");
    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);
    private static readonly Lazy<Task<string>> RabbitMq = new(StartRabbitMqAsync);
    private static PrivatePostgres? privatePostgres;
    private static PrivateRabbitMq? privateRabbitMq;

    static TestInfrastructure()
    {
        ConsoleLog.QuietProcesses = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopPrivateInfrastructure();
    }

    /// <summary>A PostgreSQL server connection string without a database (add one with <see cref="TestDatabase"/>).</summary>
    public static Task<string> PostgresServerAsync() => Postgres.Value;

    /// <summary>An amqp:// URI of a RabbitMQ node.</summary>
    public static Task<string> RabbitMqUriAsync() => RabbitMq.Value;

    private static async Task<string> StartPostgresAsync()
    {
        if (Environment.GetEnvironmentVariable("FTGO_POSTGRES") is { Length: > 0 } external)
        {
            return external;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        privatePostgres = await PrivatePostgres.StartAsync(Path.Combine(PrivateDirectory, "postgres"), Network.FreePort(), timeout.Token);
        return privatePostgres.ServerConnectionString;
    }

    private static async Task<string> StartRabbitMqAsync()
    {
        if (Environment.GetEnvironmentVariable("FTGO_RABBITMQ") is { Length: > 0 } external)
        {
            return external;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        privateRabbitMq = await PrivateRabbitMq.StartAsync(Path.Combine(PrivateDirectory, "rabbitmq"), Network.FreePort(), Network.FreePort(), 0, timeout.Token);
        return privateRabbitMq.AmqpUri;
    }

    // Runs while the test process exits, when .NET can no longer wait for child processes to end (an
    // orderly stop would hang until the test host is killed, leaving everything running): signals only.
    private static void StopPrivateInfrastructure()
    {
        privateRabbitMq?.Kill();
        privatePostgres?.Kill();
        try
        {
            Directory.Delete(PrivateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL may still be removing its files; a folder in /tmp is all that is left.
        }
    }
}
