using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.Accounting.Tests;

/// <summary>
/// "A card must be charged once" (the book's example of why handlers must be idempotent), with the
/// Accounting service as a real process killed with SIGKILL right after its handler committed the
/// authorization and before RabbitMQ got the acknowledgement (the opt-in test hook
/// <see cref="KillAfterCommit"/>). The broker redelivers the same message to the restarted process, and
/// the saga then retries with a new message id: one authorization, one event, the same answer each time.
/// </summary>
public sealed class AuthorizationCrashProofs : IAsyncLifetime
{
    private readonly string channelPrefix = $"t{Guid.NewGuid().ToString("N")[..10]}.";
    private TestDatabase database = null!;
    private string rabbitMqUri = "";
    private SagaSide saga = null!;
    private RabbitMqProbe rabbitMq = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.NewAsync("accounting-crash");
        rabbitMqUri = await TestInfrastructure.RabbitMqUriAsync();
        saga = await SagaSide.StartAsync(() => AccountingServiceFactory.NewDbContext(database.ConnectionString), rabbitMqUri, channelPrefix, Channels.AccountEvents);
        rabbitMq = await RabbitMqProbe.ConnectAsync(rabbitMqUri);
    }

    public async Task DisposeAsync()
    {
        await rabbitMq.DisposeAsync();
        await saga.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task AuthorizeCard_charges_once_when_the_process_is_killed_after_the_commit_and_before_the_ack()
    {
        var consumerId = AccountingHandlersTests.NewId();
        var orderId = AccountingHandlersTests.NewId();
        var commands = channelPrefix + Channels.AccountingServiceCommands;
        var crashing = await StartAccountingAsync(killAfterCommit: true);
        Guid first;
        try
        {
            await database.ScalarAsync<int>($"INSERT INTO accounts (consumer_id, single_authorization_limit) VALUES ({consumerId}, 100.00)");

            first = await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId);

            // Its last line may be read after the exit is seen (output is read asynchronously): wait for both.
            await Wait.UntilAsync(_ => Task.FromResult(crashing.HasExited && crashing.RecentLines.Any(line => line.Contains("killing process"))),
                TimeSpan.FromSeconds(60), "the Accounting process to say it kills itself after the commit, and to exit",
                CancellationToken.None, () => string.Join(Environment.NewLine, crashing.RecentLines.TakeLast(20)));
            // Committed: the authorization, the inbox row and the reply. Not acknowledged: the command is back in its queue.
            Assert.Equal(1L, await AuthorizationsAsync(orderId));
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM processed_messages WHERE handler = 'accounting.authorize-card'"));
            await Wait.UntilAsync(async _ => await rabbitMq.MessageCountAsync(commands) == 1, TimeSpan.FromSeconds(30),
                "the unacknowledged AuthorizeCard to be back in its queue", CancellationToken.None);
        }
        finally
        {
            await crashing.DisposeAsync();
        }

        await using var restarted = await StartAccountingAsync(killAfterCommit: false);
        var (type, reply) = await saga.ReplyAsync(first);
        // The redelivered message (same message id) comes first in the queue, then a saga retry with a new one.
        var (retryType, retry) = await saga.ReplyAsync(await saga.SendAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId));

        Assert.Equal(nameof(CardAuthorized), type);
        Assert.Equal(nameof(CardAuthorized), retryType);
        Assert.Equal(reply["authorizationId"]!.GetValue<long>(), retry["authorizationId"]!.GetValue<long>());
        Assert.Equal(1L, await AuthorizationsAsync(orderId));
        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_type = 'AccountCardAuthorized' AND message_key = '{consumerId}'"));
        // One reply per message id: the redelivery was skipped by the inbox, the retry answered from the stored authorization.
        Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_type = 'CardAuthorized' AND correlation_id = '{first}'"));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE message_type = 'CardAuthorized'"));
        Assert.Equal(0u, await rabbitMq.MessageCountAsync(commands));
    }

    private Task<long> AuthorizationsAsync(long orderId) => database.ScalarAsync<long>($"SELECT count(*) FROM authorizations WHERE order_id = {orderId}");

    /// <summary>The Accounting service as a process of its own, on this proof's database and channels, ready (migrated) when returned.</summary>
    private async Task<ManagedProcess> StartAccountingAsync(bool killAfterCommit)
    {
        var assembly = SystemCatalog.BuiltAssembly("services/Accounting", "FoodOrdering.Accounting");
        var url = $"http://127.0.0.1:{Network.FreePort()}";
        var process = ManagedProcess.Start(killAfterCommit ? "accounting-crashing" : "accounting", 0, "dotnet",
        [
            assembly, "--urls", url, "--Grpc:Port", Network.FreePort().ToString(),
            $"--ConnectionStrings:AccountingDb={database.ConnectionString}",
            $"--ConnectionStrings:RabbitMq={rabbitMqUri}",
            $"--Messaging:ChannelPrefix={channelPrefix}",
            $"--{KillAfterCommit.Setting}={killAfterCommit}",
            "--Logging:LogLevel:Default=Warning",
        ], workingDirectory: Path.GetDirectoryName(assembly));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Wait.UntilAsync(async ct =>
                {
                    try
                    {
                        return !process.HasExited && (await http.GetAsync($"{url}/health/ready", ct)).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60), "the Accounting process to be ready", CancellationToken.None,
                () => string.Join(Environment.NewLine, process.RecentLines.TakeLast(20)));
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
