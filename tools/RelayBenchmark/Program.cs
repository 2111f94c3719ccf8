using FoodOrdering.RelayBenchmark;

// `relay ...`: one relay as a process (the kill -9 proof). Otherwise: the benchmark.
if (args.FirstOrDefault() == "relay")
{
    await RelayProcess.RunAsync(args[1..]);
    return 0;
}
return await Benchmark.RunAsync(args);
