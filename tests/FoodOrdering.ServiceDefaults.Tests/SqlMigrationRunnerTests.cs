using System.Reflection;
using FoodOrdering.ServiceDefaults.Migrations;
using FoodOrdering.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FoodOrdering.ServiceDefaults.Tests;

/// <summary>The SQL migration runner against a real PostgreSQL: ordered, idempotent, safe under concurrent start-up.</summary>
public sealed class SqlMigrationRunnerTests : IAsyncLifetime
{
    private static readonly Assembly Migrations = typeof(SqlMigrationRunnerTests).Assembly;
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.NewAsync(nameof(SqlMigrationRunnerTests));

    public Task DisposeAsync() => database.DisposeAsync().AsTask();

    private SqlMigrationRunner Runner() => new(database.ConnectionString, Migrations, NullLogger.Instance);

    [Fact]
    public void Migrations_are_found_in_version_order()
    {
        Assert.Equal([1, 2], Runner().Tracks.Single().Migrations.Select(m => m.Version));
        Assert.Equal("create_widgets", Runner().Tracks.Single().Migrations[0].Name);
    }

    [Fact]
    public async Task The_first_run_creates_the_database_and_applies_every_migration_in_order()
    {
        var applied = await Runner().ApplyAsync();

        Assert.Equal([1, 2], applied.Select(m => m.Version));
        Assert.Equal("blue", await database.ScalarAsync<string>("SELECT colour FROM widgets WHERE id = 1"));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM schema_history"));
    }

    [Fact]
    public async Task A_second_run_applies_nothing()
    {
        await Runner().ApplyAsync();

        var applied = await Runner().ApplyAsync();

        Assert.Empty(applied);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM widgets"));
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_migration_exactly_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Runner().ApplyAsync())));

        Assert.Equal([1, 2], runs.SelectMany(applied => applied).Select(m => m.Version).Order());
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM widgets"));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM schema_history"));
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_stops_the_start_up()
    {
        await Runner().ApplyAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("UPDATE schema_history SET checksum = 'edited' WHERE version = 1", connection);
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner().ApplyAsync());

        Assert.Contains("was changed after it was applied", error.Message);
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_and_not_recorded()
    {
        await using (var connection = new NpgsqlConnection(database.ConnectionString.Replace(database.Name, "postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            // 0002 inserts id 1: a row that is already there makes it fail half-way.
            await using var setUp = new NpgsqlCommand("CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO widgets VALUES (1, 'x');" +
                "CREATE TABLE schema_history (track text NOT NULL, version integer NOT NULL, name text NOT NULL, checksum text NOT NULL, " +
                "applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (track, version));", connection);
            await setUp.ExecuteNonQueryAsync();
            await using var record = new NpgsqlCommand("INSERT INTO schema_history (track, version, name, checksum) VALUES ('service', 1, 'create_widgets', @checksum)", connection);
            record.Parameters.AddWithValue("checksum", Runner().Tracks.Single().Migrations[0].Checksum);
            await record.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() => Runner().ApplyAsync());

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM schema_history"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'colour'"));
    }
}
