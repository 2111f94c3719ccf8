namespace FoodOrdering.Consumer.Tests;

/// <summary>The Consumer service builds its own schema from its SQL migrations at start-up.</summary>
public sealed class ConsumerMigrationsTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    [Fact]
    public async Task Start_up_applies_the_consumer_migrations_and_records_them()
    {
        _ = service.Server; // starts the service, which migrates its database

        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM schema_history WHERE version = 1"));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM schema_history WHERE version = 2 AND name = 'messaging'"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM consumers"));
    }
}
