using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.ServiceDefaults.Migrations;

/// <summary>
/// Applies a service's versioned SQL migrations at start-up. We use plain SQL files instead of
/// EF Core migrations because EF Core Design cannot be restored here; the shape is that of
/// Flyway/DbUp: files <c>NNNN_description.sql</c> embedded in the service assembly
/// (logical name <c>migrations/NNNN_description.sql</c>), applied in version order, each in its own
/// transaction, recorded in <c>schema_history</c> with a checksum. A PostgreSQL advisory lock
/// serialises replicas that start together, so two of them never apply the same file twice.
/// </summary>
public sealed class SqlMigrationRunner(string connectionString, Assembly migrationsAssembly, ILogger logger)
{
    public const string ResourcePrefix = "migrations/";

    // Any constant works, as long as every service uses the same one for "I am migrating this database".
    private const long AdvisoryLockKey = 0x46_54_47_4F_4D_49_47; // "FTGOMIG"

    public IReadOnlyList<SqlMigration> Migrations { get; } = SqlMigration.LoadFrom(migrationsAssembly);

    /// <summary>Creates the database if needed and applies pending migrations; returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await PostgresDatabase.EnsureExistsAsync(connectionString, cancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_history (
                    version    integer PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var appliedNow = new List<int>();
            foreach (var migration in Migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version} ({migration.Name}) was changed after it was applied. Add a new migration instead of editing an applied one.");
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await ExecuteAsync(connection, "INSERT INTO schema_history (version, name, checksum) VALUES (@version, @name, @checksum)",
                    cancellationToken, ("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
                appliedNow.Add(migration.Version);
            }
            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_history", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One versioned SQL file.</summary>
public sealed record SqlMigration(int Version, string Name, string Sql, string Checksum)
{
    public static IReadOnlyList<SqlMigration> LoadFrom(Assembly assembly)
    {
        var migrations = new List<SqlMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(SqlMigrationRunner.ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = Path.GetFileNameWithoutExtension(resource[SqlMigrationRunner.ResourcePrefix.Length..]);
            var separator = fileName.IndexOf('_');
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var checksum = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            migrations.Add(new SqlMigration(version, fileName[(separator + 1)..], sql, checksum));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        }
        return migrations.OrderBy(m => m.Version).ToList();
    }
}
