using FoodOrdering.OrderBenchmark;

return await OrderFlowBenchmark.RunAsync(args);
