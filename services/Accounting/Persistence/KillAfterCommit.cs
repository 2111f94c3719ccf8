using System.Data.Common;
using System.Diagnostics;
using FoodOrdering.Accounting.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FoodOrdering.Accounting.Persistence;

/// <summary>
/// A TEST HOOK, off by default (<c>Accounting:TestHooks:KillAfterAuthorizationCommit=true</c> turns it on):
/// the process kills itself with SIGKILL right after a transaction that wrote an authorization committed,
/// that is after the handler's commit and before RabbitMQ got the acknowledgement. The crash proof
/// (tests/FoodOrdering.Accounting.Tests, AuthorizationCrashProofs) uses it to show that the redelivered
/// AuthorizeCard, and a retry with a new message id, charge nothing a second time.
/// </summary>
public sealed class KillAfterCommit : DbTransactionInterceptor
{
    public const string Setting = "Accounting:TestHooks:KillAfterAuthorizationCommit";

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        KillIfAnAuthorizationWasWritten(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        KillIfAnAuthorizationWasWritten(eventData.Context);

    private static void KillIfAnAuthorizationWasWritten(DbContext? context)
    {
        if (context?.ChangeTracker.Entries<Authorization>().Any() == true)
        {
            Console.Error.WriteLine($"{Setting}: the authorization is committed; killing process {Environment.ProcessId} with SIGKILL before the broker ack.");
            Process.GetCurrentProcess().Kill(); // SIGKILL on Unix: no finally blocks, no ack, no goodbye
        }
    }
}
