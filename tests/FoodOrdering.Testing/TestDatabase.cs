using Npgsql;

namespace FoodOrdering.Testing;

/// <summary>
/// A fresh, uniquely named database on the shared test PostgreSQL, dropped on dispose. One per test
/// class keeps classes independent while they share one server.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string server;

    private TestDatabase(string server, string name)
    {
        this.server = server;
        Name = name;
        ConnectionString = $"{server};Database={name}";
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>
    /// Names a new database (it does not exist yet: services create their own on start-up) on the shared
    /// test PostgreSQL, or on <paramref name="server"/> (a private one a test stops and starts).
    /// </summary>
    public static async Task<TestDatabase> NewAsync(string purpose, string? server = null)
    {
        server ??= await TestInfrastructure.PostgresServerAsync();
        var prefix = new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40).ToArray());
        return new TestDatabase(server, $"t_{prefix}_{Guid.NewGuid().ToString("N")[..12]}");
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T));
    }

    public ValueTask DisposeAsync() => new(DropAsync(server, Name));

    /// <summary>Drops a database even while connections to it are open.</summary>
    public static async Task DropAsync(string server, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection($"{server};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
