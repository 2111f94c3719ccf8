using FoodOrdering.RelayBenchmark;

if (args.FirstOrDefault() == "relay")
{
    await RelayProcess.RunAsync(args[1..]);
    return 0;
}
Console.Error.WriteLine("usage: relay --ConnectionStrings:Outbox=... --ConnectionStrings:RabbitMq=... --Messaging:Relay=Polling|LogTailing --Messaging:ServiceName=...");
return 2;
