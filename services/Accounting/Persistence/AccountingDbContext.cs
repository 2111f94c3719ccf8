using FoodOrdering.Accounting.Domain;
using FoodOrdering.Domain;
using FoodOrdering.Messaging;
using Microsoft.EntityFrameworkCore;

namespace FoodOrdering.Accounting.Persistence;

/// <summary>
/// The Accounting service's own database (database-per-service). The schema is created by the SQL files
/// in Persistence/Migrations; this mapping only says which column is which.
/// </summary>
public sealed class AccountingDbContext(DbContextOptions<AccountingDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Authorization> Authorizations => Set<Authorization>();

    /// <summary>The order's authorization (its one outcome), or null when no AuthorizeCard or ReverseAuthorization reached it yet.</summary>
    public Task<Authorization?> AuthorizationOfOrderAsync(long orderId, CancellationToken cancellationToken) =>
        Authorizations.SingleOrDefaultAsync(a => a.OrderId == orderId, cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The transactional outbox and the inbox live in the service's own database, next to its aggregates.
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.HasKey(a => a.ConsumerId);
            account.Property(a => a.ConsumerId).HasColumnName("consumer_id").ValueGeneratedNever();
            account.Property(a => a.Disabled).HasColumnName("disabled");
            account.Property(a => a.SingleAuthorizationLimit).HasColumnName("single_authorization_limit")
                .HasConversion(money => money.Amount, amount => new Money(amount));
        });
        modelBuilder.Entity<Authorization>(authorization =>
        {
            authorization.ToTable("authorizations");
            authorization.HasKey(a => a.Id);
            authorization.Property(a => a.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            authorization.Property(a => a.OrderId).HasColumnName("order_id");
            authorization.HasIndex(a => a.OrderId).IsUnique();
            authorization.Property(a => a.ConsumerId).HasColumnName("consumer_id");
            authorization.Property(a => a.Amount).HasColumnName("amount")
                .HasConversion(money => money.Amount, amount => new Money(amount));
            authorization.Property(a => a.State).HasColumnName("state")
                .HasConversion(state => state.ToString().ToUpperInvariant(), text => Enum.Parse<AuthorizationState>(text, ignoreCase: true));
            authorization.Property(a => a.DeclineReason).HasColumnName("decline_reason");
        });
    }
}
