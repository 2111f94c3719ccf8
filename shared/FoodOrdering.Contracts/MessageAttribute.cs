namespace FoodOrdering.Contracts;

/// <summary>What a message is (the book's three kinds of message).</summary>
public enum MessageKind
{
    /// <summary>Asks one service to do something; sent to that service's command channel.</summary>
    Command,

    /// <summary>Answers a command; sent to the reply channel the command named.</summary>
    Reply,

    /// <summary>Says that something happened to an aggregate; published on the aggregate's event channel.</summary>
    Event,

    /// <summary>
    /// Asks every subscriber of a publish-subscribe channel for its part (publish/async responses); each
    /// answers with a reply on the reply channel the query names, with its correlation id.
    /// </summary>
    Query,
}

/// <summary>
/// Marks a record as a message contract: its kind, the channel it travels on (none for replies: they
/// go where the command's reply channel header says) and its schema version, which travels in a header
/// so a consumer can tell an old shape from a new one. <see cref="Partitions"/> makes the channel a
/// sharded channel (chapter 3, "competing receivers and message ordering"): split by message key over
/// that many partitions, each consumed by one instance at a time. Sender and receivers read the number
/// from here, so they always agree on it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MessageAttribute(MessageKind kind, string? channel = null, int schemaVersion = 1) : Attribute
{
    public MessageKind Kind { get; } = kind;
    public string? Channel { get; } = channel;
    public int SchemaVersion { get; } = schemaVersion;
    /// <summary>0: an ordinary channel; N: a sharded channel of N partitions.</summary>
    public int Partitions { get; init; }
}
