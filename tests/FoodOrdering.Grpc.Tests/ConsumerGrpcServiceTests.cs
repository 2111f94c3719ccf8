using System.Net.Http.Json;
using FoodOrdering.Consumer.Grpc;
using FoodOrdering.Grpc.Client;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Protocol;
using FoodOrdering.Grpc.Server;
using FoodOrdering.Launcher;
using FoodOrdering.Launcher.Processes;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Grpc.Tests;

/// <summary>A fact that needs PostgreSQL: it runs when FTGO_POSTGRES names a server (./ftgo test sets it).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FTGO_POSTGRES") is null)
        {
            Skip = "Set FTGO_POSTGRES (e.g. by running ./ftgo test) to run the Consumer service against PostgreSQL.";
        }
    }
}

/// <summary>
/// ftgo.consumer.v1.ConsumerService as the Order service will call it: the real Consumer service
/// process, its own fresh database, our gRPC client.
/// </summary>
public sealed class ConsumerGrpcServiceTests
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = ConsumerGrpcService.Descriptor;
    private static readonly GrpcMethod<GetConsumerRequest, GetConsumerResponse> GetConsumer =
        GrpcMethod<GetConsumerRequest, GetConsumerResponse>.From(Service.FindMethodByName("GetConsumer"));
    private static readonly GrpcMethod<ValidateOrderForConsumerRequest, ValidateOrderForConsumerResponse> ValidateOrderForConsumer =
        GrpcMethod<ValidateOrderForConsumerRequest, ValidateOrderForConsumerResponse>.From(Service.FindMethodByName("ValidateOrderForConsumer"));

    [Fact]
    public void Every_rpc_of_the_consumer_proto_has_an_implementation() =>
        Assert.Equal(Service.Methods.Count, ServiceBinder.Bind<ConsumerGrpcService>().Count);

    [PostgresFact]
    public async Task Consumer_service_answers_over_gRPC_with_domain_outcomes_as_status_codes()
    {
        await using var consumerService = await ConsumerServiceProcess.StartAsync();
        using var http = new HttpClient();
        var created = await http.PostAsJsonAsync($"{consumerService.RestUrl}/v1/consumers",
            new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" });
        var consumerId = (await created.Content.ReadFromJsonAsync<CreatedConsumer>())!.ConsumerId;
        var channel = GrpcChannel.ForAddress(consumerService.GrpcUrl);

        var consumer = await channel.UnaryAsync(GetConsumer, new GetConsumerRequest { ConsumerId = consumerId });
        await channel.UnaryAsync(ValidateOrderForConsumer, new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.00" } });
        var overLimit = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ValidateOrderForConsumer,
            new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.01" } }));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(ValidateOrderForConsumer,
            new ValidateOrderForConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "1.005" } }));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(GetConsumer, new GetConsumerRequest { ConsumerId = 999_999 }));

        Assert.Equal(("Ada", "Lovelace", "500.00"), (consumer.Name.FirstName, consumer.Name.LastName, consumer.OrderLimit.Amount));
        Assert.Equal(StatusCode.FailedPrecondition, overLimit.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    private sealed record CreatedConsumer(long ConsumerId);

    /// <summary>The Consumer service as a process on free ports, with a database of its own; stopped on dispose.</summary>
    private sealed class ConsumerServiceProcess(ManagedProcess process, string restUrl, string grpcUrl) : IAsyncDisposable
    {
        public string RestUrl => restUrl;
        public string GrpcUrl => grpcUrl;

        public static async Task<ConsumerServiceProcess> StartAsync()
        {
            var definition = SystemCatalog.Services.Single(s => s.Name == "consumer");
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
            var assembly = definition.AssemblyPath(SystemCatalog.RepositoryRoot(), configuration);
            var restUrl = $"http://127.0.0.1:{Network.FreePort()}";
            var grpcPort = Network.FreePort();
            var database = $"ftgo_grpc_test_{Guid.NewGuid():N}";
            var process = ManagedProcess.Start("consumer", 36, "dotnet", [assembly, "--urls", restUrl, "--Grpc:Port", grpcPort.ToString()],
                Path.GetDirectoryName(assembly), new Dictionary<string, string?>
                {
                    [$"ConnectionStrings__{definition.ConnectionName}"] = $"{Environment.GetEnvironmentVariable("FTGO_POSTGRES")};Database={database}",
                });
            var service = new ConsumerServiceProcess(process, restUrl, $"http://127.0.0.1:{grpcPort}");
            try
            {
                using var http = new HttpClient();
                await Wait.UntilAsync(async ct =>
                {
                    try
                    {
                        return !process.HasExited && (await http.GetAsync($"{restUrl}/health/ready", ct)).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(60), "the Consumer service to become ready", CancellationToken.None,
                () => string.Join(Environment.NewLine, process.RecentLines.TakeLast(30)));
                return service;
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync() => process.DisposeAsync();
    }
}
