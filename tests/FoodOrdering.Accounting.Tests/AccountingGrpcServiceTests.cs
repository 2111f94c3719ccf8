using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Grpc.Contracts.Accounting.V1;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace FoodOrdering.Accounting.Tests;

/// <summary>ftgo.accounting.v1.AccountingService over the generated client: an account, an order's authorization, NOT_FOUND for the unknown.</summary>
public sealed class AccountingGrpcServiceTests(AccountingServiceFactory service) : IClassFixture<AccountingServiceFactory>, IAsyncLifetime
{
    private SagaSide saga = null!;
    private GrpcChannel channel = null!;
    private AccountingService.AccountingServiceClient client = null!;

    public async Task InitializeAsync()
    {
        saga = await SagaSide.StartAsync(service.NewDbContext, service.RabbitMqUri, service.ChannelPrefix, Channels.AccountEvents);
        channel = GrpcChannel.ForAddress(service.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = service.Server.CreateHandler() });
        client = new AccountingService.AccountingServiceClient(channel);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await saga.DisposeAsync();
    }

    [Fact]
    public async Task GetAuthorization_shows_the_orders_one_authorization_and_GetAccount_its_account()
    {
        var consumerId = AccountingHandlersTests.NewId();
        var orderId = AccountingHandlersTests.NewId();
        await saga.PublishAsync(new ConsumerCreated(consumerId, "Ada", "Lovelace", "500.00"), consumerId);
        await Wait.UntilAsync(async _ => await service.Database.ScalarAsync<long>($"SELECT count(*) FROM accounts WHERE consumer_id = {consumerId}") == 1,
            TimeSpan.FromSeconds(30), "the account to be opened", CancellationToken.None);
        var (_, reply) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        var authorization = await client.GetAuthorizationAsync(new GetAuthorizationRequest { OrderId = orderId }, deadline: Deadline());
        var account = await client.GetAccountAsync(new GetAccountRequest { ConsumerId = consumerId }, deadline: Deadline());

        Assert.Equal(reply["authorizationId"]!.GetValue<long>(), authorization.AuthorizationId);
        Assert.Equal((orderId, consumerId, "12.34", AuthorizationState.Authorized, ""),
            (authorization.OrderId, authorization.ConsumerId, authorization.Amount.Amount, authorization.State, authorization.DeclineReason));
        Assert.Equal((consumerId, false, "100.00"), (account.ConsumerId, account.Disabled, account.SingleAuthorizationLimit.Amount));
    }

    [Fact]
    public async Task An_unknown_order_or_account_is_NOT_FOUND()
    {
        var order = await Assert.ThrowsAsync<RpcException>(async () => await client.GetAuthorizationAsync(new GetAuthorizationRequest { OrderId = 1 }, deadline: Deadline()));
        var account = await Assert.ThrowsAsync<RpcException>(async () => await client.GetAccountAsync(new GetAccountRequest { ConsumerId = 1 }, deadline: Deadline()));

        Assert.True(order.StatusCode == StatusCode.NotFound, order.Status.ToString());
        Assert.True(account.StatusCode == StatusCode.NotFound, account.Status.ToString());
    }

    // Generous: a loaded test machine must not turn a NOT_FOUND into DEADLINE_EXCEEDED.
    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
