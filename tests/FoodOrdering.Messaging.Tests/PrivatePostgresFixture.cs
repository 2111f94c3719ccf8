using FoodOrdering.Testing;

namespace FoodOrdering.Messaging.Tests;

/// <summary>A fixture on a private PostgreSQL server of its own, which the proof stops and starts again (or reconfigures).</summary>
public abstract class PrivatePostgresFixture(RelayKind relay) : MessagingFixture(relay)
{
    public RestartablePostgres Server { get; } = new();

    protected override async Task<string> StartPostgresAsync()
    {
        await Server.StartAsync();
        return Server.ServerConnectionString;
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Server.DisposeAsync();
        }
    }
}

public sealed class PollingPrivatePostgresFixture() : PrivatePostgresFixture(RelayKind.Polling);

public sealed class LogTailingPrivatePostgresFixture() : PrivatePostgresFixture(RelayKind.LogTailing);
