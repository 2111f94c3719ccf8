// The order flow benchmark (figures in docs/performance.md):
//   dotnet run -c Release --project tools/OrderBenchmark [-- --orders 2000 --concurrency 32]
// ?expand=consumer against two round trips, and with the Consumer service stopped:
//   dotnet run -c Release --project tools/OrderBenchmark -- --expand [--requests 1000]
using FoodOrdering.OrderBenchmark;

var orders = Option("--orders", 2_000);
var concurrency = Option("--concurrency", 32);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, loopback");
if (args.Contains("--expand"))
{
    await ExpandBenchmark.RunAsync(Option("--requests", 1_000));
}
else
{
    await OrderFlowBenchmark.RunAsync(orders, concurrency);
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0
        ? value
        : at >= 0 ? throw new ArgumentException($"{name} takes a positive number") : fallback;
}
