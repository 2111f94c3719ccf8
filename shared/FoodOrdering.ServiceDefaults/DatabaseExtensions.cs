using FoodOrdering.ServiceDefaults.Migrations;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults;

/// <summary>Database-per-service: one PostgreSQL database, one DbContext, its SQL migrations.</summary>
public static class DatabaseExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> on the connection string <paramref name="connectionName"/>,
    /// a readiness check on it, and the migration runner: first the building blocks' tracks (each
    /// registered as a <see cref="MigrationTrack"/>, e.g. by AddMessaging), then the SQL files embedded in
    /// the service's own assembly.
    /// </summary>
    public static WebApplicationBuilder AddServiceDatabase<TContext>(this WebApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Missing connection string '{connectionName}' (ConnectionStrings__{connectionName}).");

        builder.Services.AddDbContext<TContext>(o => o.UseNpgsql(connectionString));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddSingleton(sp => new SqlMigrationRunner(connectionString,
            [.. sp.GetServices<MigrationTrack>(), MigrationTrack.Service(typeof(TContext).Assembly)],
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SqlMigrationRunner>()));
        return builder;
    }

    /// <summary>Applies pending SQL migrations before the service takes traffic.</summary>
    public static async Task ApplyMigrationsAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<SqlMigrationRunner>().ApplyAsync(app.Lifetime.ApplicationStopping);
}
