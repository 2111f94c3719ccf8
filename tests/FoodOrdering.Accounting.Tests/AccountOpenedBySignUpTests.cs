using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Grpc.Contracts.Accounting.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Grpc.Net.Client;

namespace FoodOrdering.Accounting.Tests;

/// <summary>
/// Publish/subscribe between two real processes on one broker: a consumer signs up at the real Consumer
/// service, whose ConsumerCreated (outbox, relay, consumer-events) makes the real Accounting service open
/// the consumer's account, which its REST and gRPC APIs then show.
/// </summary>
public sealed class AccountOpenedBySignUpTests
{
    [Fact]
    public async Task Signing_up_at_the_Consumer_service_opens_an_account_at_the_Accounting_service()
    {
        await using var system = await TestSystem.StartAsync(["consumer", "accounting"]);
        using var consumers = new HttpClient { BaseAddress = new Uri(system.Service("consumer").BaseUrl) };
        using var accounting = new HttpClient { BaseAddress = new Uri(system.Service("accounting").BaseUrl) };
        // Ready means "its database answers"; its subscription queue may be a moment behind on a first start.
        await Wait.UntilAsync(async ct => (await accounting.GetFromJsonAsync<JsonNode>("/health", ct))!["checks"]!["message-bus"]!["status"]!.GetValue<string>() == "Healthy",
            TimeSpan.FromSeconds(60), "the Accounting service's message bus to be running", CancellationToken.None);

        var created = await consumers.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var consumerId = (await created.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();

        HttpResponseMessage? account = null;
        await Wait.UntilAsync(async ct => (account = await accounting.GetAsync($"/v1/accounts/{consumerId}", ct)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), $"the account of consumer {consumerId} to be opened", CancellationToken.None);
        var body = (await account!.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(consumerId, body["consumerId"]!.GetValue<long>());
        Assert.False(body["disabled"]!.GetValue<bool>());
        Assert.Equal("1000.00", body["singleAuthorizationLimit"]!.GetValue<string>());

        // The same account over gRPC, on the process's own HTTP/2 port, with the generated client.
        using var channel = GrpcChannel.ForAddress(system.Service("accounting").GrpcUrl);
        var overGrpc = await new AccountingService.AccountingServiceClient(channel)
            .GetAccountAsync(new GetAccountRequest { ConsumerId = consumerId }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal((consumerId, false, "1000.00"), (overGrpc.ConsumerId, overGrpc.Disabled, overGrpc.SingleAuthorizationLimit.Amount));
    }
}
