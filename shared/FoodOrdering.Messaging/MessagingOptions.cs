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

    /// <summary>Names this service's advisory lock and replication slot: one active relay per service.</summary>
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

    /// <summary>Wait before retrying after the database or the broker failed.</summary>
    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public string ReplicationSlot => $"outbox_relay_{new string(ServiceName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())}";
}
