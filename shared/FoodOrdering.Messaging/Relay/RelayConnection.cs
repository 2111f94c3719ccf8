using Npgsql;

namespace FoodOrdering.Messaging.Relay;

/// <summary>
/// The relay's own database connection. It holds the session advisory lock that makes this relay the
/// service's only active one, so it is never pooled (a pooled connection would go back to the pool still
/// holding the lock when the relay stops), and it has TCP keepalives both ways: the server drops the
/// session, releasing the lock, about 20 s after this process's machine vanished (instead of the OS
/// default of two hours), and the relay notices a vanished server as quickly.
/// </summary>
public static class RelayConnection
{
    public static NpgsqlConnection Create(string connectionString, string serviceName) => new(new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        ApplicationName = $"{serviceName} message relay",
        TcpKeepAlive = true,
        TcpKeepAliveTime = 10,
        TcpKeepAliveInterval = 5,
        // The server-side keepalive settings of this session (idle 10 s, every 5 s, gone after 3 missed).
        Options = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
    }.ConnectionString);
}
