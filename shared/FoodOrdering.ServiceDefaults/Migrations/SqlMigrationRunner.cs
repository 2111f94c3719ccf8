using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FoodOrdering.ServiceDefaults.Migrations;

/// <summary>
/// Applies a service's versioned SQL migrations at start-up, Flyway/DbUp style: files
/// <c>NNNN_description.sql</c> embedded as <c>migrations/NNNN_description.sql</c>, applied in version
/// order, each in its own transaction, recorded in <c>schema_history</c> with a checksum. Migrations come
/// in tracks (<see cref="MigrationTrack"/>): the building blocks' first (the messaging tables), then the
/// service's own, each with versions of its own. A PostgreSQL advisory lock serialises replicas that
/// start together, so two of them never apply the same file twice.
/// </summary>
public sealed class SqlMigrationRunner(string connectionString, IReadOnlyList<MigrationTrack> tracks, ILogger logger)
{
    public const string ResourcePrefix = "migrations/";

    // Any constant works, as long as every service uses the same one for "I am migrating this database".
    private const long AdvisoryLockKey = 0x46_54_47_4F_4D_49_47; // "FTGOMIG"

    /// <summary>Only the service's own migrations, embedded in <paramref name="serviceMigrations"/>.</summary>
    public SqlMigrationRunner(string connectionString, Assembly serviceMigrations, ILogger logger)
        : this(connectionString, [MigrationTrack.Service(serviceMigrations)], logger)
    {
    }

    public IReadOnlyList<MigrationTrack> Tracks { get; } = tracks;

    /// <summary>Creates the database if needed and applies pending migrations, track by track; returns those applied now.</summary>
    public async Task<IReadOnlyList<SqlMigration>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await PostgresDatabase.EnsureExistsAsync(connectionString, cancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await CreateOrUpgradeHistoryAsync(connection, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var appliedNow = new List<SqlMigration>();
            foreach (var migration in Tracks.SelectMany(track => track.Migrations))
            {
                if (applied.TryGetValue((migration.Track, migration.Version), out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version} ({migration.Name}) of track '{migration.Track}' was changed after it was applied. Add a new migration instead of editing an applied one.");
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await ExecuteAsync(connection, "INSERT INTO schema_history (track, version, name, checksum) VALUES (@track, @version, @name, @checksum)",
                    cancellationToken, ("track", migration.Track), ("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Track} {Version} {Name}", migration.Track, migration.Version, migration.Name);
                appliedNow.Add(migration);
            }
            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    /// <summary>
    /// Creates schema_history, or upgrades it from the single-track layout of the first releases: every
    /// row then was the service's, and the messaging tables were the service migration named "messaging"
    /// (its file is now the messaging track's version 1).
    /// </summary>
    private async Task CreateOrUpgradeHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_history (
                track      text        NOT NULL,
                version    integer     NOT NULL,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (track, version))
            """, cancellationToken);
        await using var hasTrack = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'schema_history' AND column_name = 'track' AND table_schema = current_schema()",
            connection);
        if ((long)(await hasTrack.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            await ExecuteAsync(connection, $"""
                ALTER TABLE schema_history ADD COLUMN track text NOT NULL DEFAULT '{MigrationTrack.ServiceTrackName}';
                ALTER TABLE schema_history ALTER COLUMN track DROP DEFAULT;
                ALTER TABLE schema_history DROP CONSTRAINT schema_history_pkey, ADD PRIMARY KEY (track, version);
                """, cancellationToken);
            foreach (var track in Tracks.Where(t => t.LegacyName is not null && t.Migrations.Count > 0))
            {
                var first = track.Migrations[0];
                await ExecuteAsync(connection,
                    "UPDATE schema_history SET track = @track, version = @version, name = @name, checksum = @checksum WHERE track = @service AND name = @legacy",
                    cancellationToken, ("track", track.Name), ("version", first.Version), ("name", first.Name), ("checksum", first.Checksum),
                    ("service", MigrationTrack.ServiceTrackName), ("legacy", track.LegacyName!));
            }
            logger.LogInformation("Upgraded schema_history to migration tracks");
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Dictionary<(string Track, int Version), string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT track, version, checksum FROM schema_history", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<(string, int), string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[(reader.GetString(0), reader.GetInt32(1))] = reader.GetString(2);
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
public sealed record SqlMigration(string Track, int Version, string Name, string Sql, string Checksum)
{
    public static IReadOnlyList<SqlMigration> LoadFrom(string track, Assembly assembly)
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
            migrations.Add(new SqlMigration(track, version, fileName[(separator + 1)..], sql, checksum));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations of {assembly.GetName().Name} share version {duplicate.Key}.");
        }
        return migrations.OrderBy(m => m.Version).ToList();
    }
}
