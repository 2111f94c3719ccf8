using FoodOrdering.Accounting.Messaging;
using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Activity;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.Domain;
using FoodOrdering.Messaging;
using FoodOrdering.ServiceDefaults;
using FoodOrdering.ServiceDefaults.Grpc;

namespace FoodOrdering.Accounting;

/// <summary>Everything the Accounting service registers, in one place (Program.cs stays a few lines).</summary>
public static class AccountingServiceExtensions
{
    public static WebApplicationBuilder AddAccountingService(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(AccountingSettings.From(builder.Configuration));
        builder.AddServiceDatabase<AccountingDbContext>("AccountingDb");
        if (builder.Configuration.GetValue<bool>(KillAfterCommit.Setting))
        {
            builder.Services.ConfigureDbContext<AccountingDbContext>(o => o.AddInterceptors(new KillAfterCommit()));
        }
        // gRPC (Grpc.AspNetCore) on its own HTTP/2-only port ("Grpc:Port", default 9083); REST stays on --urls.
        builder.AddGrpcServer(defaultPort: 9083);
        // Publish/subscribe: an account per new consumer. Request/response: the card commands of the order
        // sagas on accounting-service-commands, each answered on the reply channel it names.
        builder.AddMessaging<AccountingDbContext>("accounting", "AccountingDb", messaging => messaging
            .Subscribe<ConsumerCreated, OpenAccountHandler>("accounting")
            // Publish/async responses: the Accounting part of a consumer's activity (queue accounting-service.consumer-activity-queries).
            .Subscribe<GetConsumerActivity, ConsumerAuthorizationsQueryHandler>("accounting")
            .Handle<AuthorizeCard, AuthorizeCardHandler>()
            .Handle<ReverseAuthorization, ReverseAuthorizationHandler>()
            .Handle<ReviseAuthorization, ReviseAuthorizationHandler>());
        return builder;
    }
}

/// <summary>
/// The Accounting service's settings: <c>Accounting:DefaultSingleAuthorizationLimit</c>, the limit a new
/// account gets (money as a decimal string, default "1000.00"; each account's own is set over REST).
/// </summary>
public sealed record AccountingSettings(Money DefaultSingleAuthorizationLimit)
{
    public static readonly Money FallbackSingleAuthorizationLimit = new(1000.00m);

    public static AccountingSettings From(IConfiguration configuration)
    {
        var text = configuration["Accounting:DefaultSingleAuthorizationLimit"];
        if (text is null)
        {
            return new AccountingSettings(FallbackSingleAuthorizationLimit);
        }
        return Money.TryParse(text, out var limit) && limit > Money.Zero
            ? new AccountingSettings(limit)
            : throw new InvalidOperationException(
                $"Accounting:DefaultSingleAuthorizationLimit must be a positive decimal string such as \"1000.00\", not '{text}'.");
    }
}
