using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Messaging;
using FoodOrdering.ServiceDefaults.Migrations;
using Npgsql;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// The Consumer service builds its own schema at start-up: the messaging track (the outbox and inbox
/// tables, the building block's own versions) first, then its own migrations.
/// </summary>
public sealed class ConsumerMigrationsTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    [Fact]
    public async Task Start_up_applies_the_messaging_track_then_the_consumer_migrations()
    {
        _ = service.Server; // starts the service, which migrates its database

        Assert.Equal("messaging:1,messaging:2,messaging:3,service:1,service:2",
            await service.Database.ScalarAsync<string>("SELECT string_agg(track || ':' || version, ',' ORDER BY applied_at, track, version) FROM schema_history"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM consumers"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL"));
    }
}

/// <summary>
/// A database migrated by the first releases, whose schema_history had one track and held the messaging
/// tables as the Consumer's own migration 2 "messaging": the service upgrades it in place.
/// </summary>
public sealed class ConsumerMigrationsUpgradeTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    [Fact]
    public async Task A_database_from_before_migration_tracks_is_upgraded_and_keeps_its_data()
    {
        var messagingV1 = MessagingExtensions.SchemaTrack.Migrations[0];
        var consumerV1 = SqlMigration.LoadFrom("service", typeof(ConsumerDbContext).Assembly)[0];
        await using (var connection = new NpgsqlConnection(service.Database.ConnectionString.Replace($"Database={service.Database.Name}", "Database=postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{service.Database.Name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        await using (var connection = new NpgsqlConnection(service.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var old = new NpgsqlCommand($"""
                CREATE TABLE schema_history (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
                {consumerV1.Sql}
                {messagingV1.Sql}
                INSERT INTO schema_history (version, name, checksum) VALUES (1, 'create_consumers', '{consumerV1.Checksum}'), (2, 'messaging', 'old-file');
                INSERT INTO outbox (id, channel, message_type, schema_version, message_key, correlation_id, payload, sent_at)
                VALUES (gen_random_uuid(), 'consumer-events', 'ConsumerCreated', 1, '1', gen_random_uuid(), '[]', now());
                """, connection);
            await old.ExecuteNonQueryAsync();
        }

        _ = service.Server; // starts the service, which migrates its database

        Assert.Equal("messaging:1:outbox_and_inbox,messaging:2:relay_hardening,messaging:3:saga_instances,service:1:create_consumers,service:2:create_notifications",
            await service.Database.ScalarAsync<string>("SELECT string_agg(track || ':' || version || ':' || name, ',' ORDER BY track, version) FROM schema_history"));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE headers = '{}' AND failed_at IS NULL"));
    }
}
