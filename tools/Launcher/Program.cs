using System.Runtime.InteropServices;
using FoodOrdering.Launcher.Commands;
using FoodOrdering.LocalSystem.Processes;

// Ctrl+C, SIGTERM and SIGHUP (the terminal was closed) cancel this token; every command then stops
// what it started, in order.
Posix.RestoreDefaultInterruptHandling();
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

if (args.Length == 0 || args[0] is "help" or "-h" or "--help")
{
    Console.WriteLine(CommandLine.Usage);
    return args.Length == 0 ? 2 : 0;
}
if (CommandLine.Parse(args) is not { } commandLine)
{
    return 2; // Parse explained what was wrong
}

try
{
    return commandLine.Command switch
    {
        "up" => await UpCommand.RunAsync(commandLine.Options, null, stop.Token),
        // The demo is a teaching setting: fault injection on (POST /_admin/faults on any service).
        "demo" => await UpCommand.RunAsync(commandLine.Options with { FaultsEnabled = true }, DemoCommand.RunStepsAsync, stop.Token),
        "infra" => await UpCommand.RunAsync(commandLine.Options with { InfrastructureOnly = true }, null, stop.Token),
        "api-baseline" => await ApiBaselineCommand.RunAsync(commandLine.Options, stop.Token),
        _ => await TestCommand.RunAsync(commandLine.Options.RepositoryRoot, commandLine.TestArguments, stop.Token),
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
