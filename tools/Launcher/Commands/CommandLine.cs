using FoodOrdering.LocalSystem;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// `./ftgo COMMAND [options]`, read strictly: a mistyped option (`--freeports`) is refused with the
/// usage, never silently ignored. `test` hands everything after it to `dotnet test`.
/// </summary>
public sealed record CommandLine(string Command, LaunchOptions Options, IReadOnlyList<string> TestArguments)
{
    public static readonly string Usage = $"""
        usage: ./ftgo <command> [options]

          up      start PostgreSQL, RabbitMQ and every service; stream logs; Ctrl+C stops everything
          demo    like up, then walk through the system with printed curl commands (with --faults)
          infra   start only PostgreSQL and RabbitMQ (e.g. to run a service from your IDE)
          test    install what the tests need, then run every test against one shared PostgreSQL
                  and RabbitMQ [extra dotnet test args, e.g. --filter Name~Launcher]
          api-baseline  record today's APIs (OpenAPI, .proto, AsyncAPI) as the released ones in
                  api/baseline, on purpose (docs/api-evolution.md)

        options (up, demo, infra):
          --free-ports      use any free ports instead of the defaults ({string.Join(", ", SystemCatalog.Services.Select(s => s.RestPort))}, {SystemCatalog.PostgresPort}, {SystemCatalog.RabbitMqAmqpPort}, {SystemCatalog.RabbitMqManagementPort})
          --data-dir DIR    where the private PostgreSQL/RabbitMQ keep their data (default: .ftgo/)
          --no-trace-viewer do not start the trace viewer (the Aspire dashboard, http://127.0.0.1:{SystemCatalog.TraceViewerPort})
          --kitchen-instances N  start N Kitchen instances (1-8) sharing the sharded kitchen-service-commands channel
          --faults          every service injects latency and errors on command (POST /_admin/faults; see docs/workshop/05-partial-failure.md)

        environment:
          FTGO_POSTGRES     use this PostgreSQL (e.g. Host=127.0.0.1;Port=5432;Username=ftgo;Password=ftgo)
          FTGO_RABBITMQ     use this RabbitMQ (e.g. amqp://guest:guest@127.0.0.1:5672/)
          FTGO_NO_INSTALL   never run apt-get, even as root; print what to install instead
        """;

    private static readonly string[] Commands = ["up", "demo", "infra", "test", "api-baseline"];

    /// <summary>The command line, or null after printing what is wrong with it and the usage.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args)
    {
        var command = args[0];
        if (!Commands.Contains(command))
        {
            return Refuse($"unknown command '{command}'");
        }
        if (command == "test")
        {
            return new CommandLine(command, new LaunchOptions(), [.. args.Skip(1)]);
        }

        var options = new LaunchOptions { TraceViewer = true };
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--free-ports":
                    options = options with { FreePorts = true };
                    break;
                case "--no-trace-viewer":
                    options = options with { TraceViewer = false };
                    break;
                case "--faults":
                    options = options with { FaultsEnabled = true };
                    break;
                case "--data-dir" when i + 1 < args.Count:
                    options = options with { DataDirectory = Path.GetFullPath(args[++i]) };
                    break;
                case "--data-dir":
                    return Refuse("--data-dir needs a folder");
                case "--kitchen-instances" when i + 1 < args.Count && int.TryParse(args[i + 1], out var kitchens) && kitchens is >= 1 and <= 8:
                    options = options with { Instances = new Dictionary<string, int>(options.Instances) { ["kitchen"] = kitchens } };
                    i++;
                    break;
                case "--kitchen-instances":
                    return Refuse("--kitchen-instances needs a number from 1 to 8 (the channel has 8 partitions)");
                default:
                    return Refuse($"unknown option '{args[i]}' for '{command}'");
            }
        }
        return new CommandLine(command, options, []);
    }

    private static CommandLine? Refuse(string problem)
    {
        Console.Error.WriteLine($"ftgo: {problem}");
        Console.Error.WriteLine(Usage);
        return null;
    }
}
