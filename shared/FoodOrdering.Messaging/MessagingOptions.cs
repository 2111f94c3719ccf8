namespace FoodOrdering.Messaging;

/// <summary>The two message relays of the book (chapter 3, "publishing events").</summary>
public enum RelayKind
{
    /// <summary>No relay in this process (e.g. a second instance that only consumes).</summary>
    None,

    /// <summary>Polling publisher: reads unsent outbox rows, woken at once by LISTEN/NOTIFY.</summary>
    Polling,

    /// <summary>Transaction log tailing: streams outbox inserts from PostgreSQL's write-ahead log.</summary>
    LogTailing,
}

/// <summary>The "Messaging" configuration section.</summary>
public sealed record MessagingOptions
{
    /// <summary>
    /// Put before every exchange and queue name, so environments sharing one broker (test classes, two
    /// developers) never see each other's messages. Empty in a deployed system.
    /// </summary>
    public string ChannelPrefix { get; init; } = "";

    public RelayKind Relay { get; init; } = RelayKind.Polling;

    /// <summary>Names this service's relay lock and replication slot: one active relay per service and database.</summary>
    public string ServiceName { get; init; } = "service";

    public int BatchSize { get; init; } = 500;

    /// <summary>How often the polling relay looks even without a notification (a missed NOTIFY costs at most this).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long sent rows stay in the outbox (for inspection) before cleanup deletes them.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long processed_messages remembers a message id (MassTransit's DuplicateDetectionWindow): a
    /// duplicate arriving later than this after the original is processed again. Older rows are deleted.
    /// </summary>
    public TimeSpan DuplicateDetectionWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The first wait before retrying after the database or the broker failed, or after a channel no queue
    /// receives yet; each further failure in a row doubles it, up to <see cref="MaxBackoff"/>.
    /// </summary>
    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the relay waits for the broker to confirm a publish before it gives up on the connection and retries.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A payload larger than this can never be published: the relay marks it failed instead.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// This service's replication slot in <paramref name="database"/>. Slot names are unique per PostgreSQL
    /// server, not per database, so the database is part of the name: two databases of one service on one
    /// server (two environments, a lab database, test databases) each get their own slot.
    /// </summary>
    public string ReplicationSlotFor(string database)
    {
        // Slot names: lower-case letters, digits and underscores, at most 63 characters.
        static string Clean(string name) => new(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        var name = $"outbox_relay_{Clean(ServiceName)}__{Clean(database)}";
        return name.Length <= 63 ? name : $"{name[..54]}_{StableHash.Of(name):x8}";
    }
}
