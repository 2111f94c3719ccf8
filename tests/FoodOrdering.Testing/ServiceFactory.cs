using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FoodOrdering.Testing;

/// <summary>
/// Hosts one service in-process (WebApplicationFactory) on its own fresh database of the shared test
/// PostgreSQL. The service applies its own SQL migrations at start-up, exactly as in production.
/// Derive one small class per service that names its connection string (see ConsumerServiceFactory)
/// and use it as an xunit class fixture.
/// </summary>
/// <typeparam name="TEntryPoint">Any type of the service's assembly.</typeparam>
public abstract class ServiceFactory<TEntryPoint>(string connectionName) : WebApplicationFactory<TEntryPoint>, IAsyncLifetime
    where TEntryPoint : class
{
    public TestDatabase Database { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Database = await TestDatabase.NewAsync(GetType().Name);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting($"ConnectionStrings:{connectionName}", Database.ConnectionString);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync(); // virtual: a derived factory disposes what it started too
        await Database.DisposeAsync();
    }
}
