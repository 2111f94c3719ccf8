// The gateway overhead benchmark (figures in docs/performance.md):
//   dotnet run -c Release --project tools/GatewayBenchmark [-- --requests 2000 --rounds 5]
using FoodOrdering.GatewayBenchmark;

var requests = Option("--requests", 2_000);
var rounds = Option("--rounds", 5);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, loopback");
await GatewayOverheadBenchmark.RunAsync(requests, rounds);

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0
        ? value
        : at >= 0 ? throw new ArgumentException($"{name} takes a positive number") : fallback;
}
