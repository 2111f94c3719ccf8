using System.Runtime.InteropServices;
using FoodOrdering.Launcher.Commands;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

// Ctrl+C and SIGTERM cancel this token; every command then stops what it started, in order.
Posix.RestoreDefaultInterruptHandling();
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

var command = args.FirstOrDefault() ?? "help";
var rest = args.Skip(1).ToList();
var options = new LaunchOptions
{
    FreePorts = rest.Remove("--free-ports"),
    DataDirectory = TakeOption(rest, "--data-dir") is { } dataDirectory ? Path.GetFullPath(dataDirectory) : new LaunchOptions().DataDirectory,
};

try
{
    return command switch
    {
        "up" => await UpCommand.RunAsync(options, null, stop.Token),
        "demo" => await UpCommand.RunAsync(options, DemoCommand.RunStepsAsync, stop.Token),
        "infra" => await UpCommand.RunAsync(options with { InfrastructureOnly = true }, null, stop.Token),
        "test" => await TestCommand.RunAsync(options.RepositoryRoot, rest, stop.Token),
        _ => Help(),
    };
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    ConsoleLog.Info("Stopped.");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    ConsoleLog.Error(e.Message);
    return 1;
}

static string? TakeOption(List<string> arguments, string name)
{
    var index = arguments.IndexOf(name);
    if (index < 0 || index + 1 >= arguments.Count)
    {
        return null;
    }
    var value = arguments[index + 1];
    arguments.RemoveRange(index, 2);
    return value;
}

static int Help()
{
    Console.WriteLine("""
        usage: ./ftgo <command> [options]

          up      start PostgreSQL, RabbitMQ and every service; stream logs; Ctrl+C stops everything
          demo    like up, then walk through the system with printed curl commands
          infra   start only PostgreSQL and RabbitMQ (e.g. to run a service from your IDE)
          test    run every test against one shared PostgreSQL and RabbitMQ [extra dotnet test args]

        options:
          --free-ports      use any free ports instead of the defaults (8081.., 54329, 56729, 15679)
          --data-dir DIR    where the private PostgreSQL/RabbitMQ keep their data (default: .ftgo/)

        environment:
          FTGO_POSTGRES     use this PostgreSQL (e.g. Host=127.0.0.1;Port=5432;Username=ftgo;Password=ftgo)
          FTGO_RABBITMQ     use this RabbitMQ (e.g. amqp://guest:guest@127.0.0.1:5672/)
        """);
    return 2;
}
