// The gateway overhead benchmark (figures in docs/performance.md):
//   dotnet run -c Release --project tools/GatewayBenchmark [-- --requests 2000 --rounds 5]
//   dotnet run -c Release --project tools/GatewayBenchmark -- composition [--requests 500 --rounds 3]
using FoodOrdering.GatewayBenchmark;

var composition = args.FirstOrDefault() == "composition";
var requests = Option("--requests", composition ? 500 : 2_000);
var rounds = Option("--rounds", composition ? 3 : 5);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, loopback");
await (composition ? CompositionBenchmark.RunAsync(requests, rounds) : GatewayOverheadBenchmark.RunAsync(requests, rounds));

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0
        ? value
        : at >= 0 ? throw new ArgumentException($"{name} takes a positive number") : fallback;
}
