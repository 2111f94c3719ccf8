// The gRPC benchmarks (figures in docs/performance.md):
//   dotnet run -c Release --project tools/GrpcBenchmark                 gRPC vs REST/JSON (about 60 s)
//   dotnet run -c Release --project tools/GrpcBenchmark -- resilience   the service proxy under failure (about 20 s)
using FoodOrdering.GrpcBenchmark;

Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, loopback");
Console.WriteLine();
if (args is ["resilience"])
{
    await ResilienceBenchmark.RunAsync();
}
else
{
    await GrpcVersusRestBenchmark.RunAsync();
}
