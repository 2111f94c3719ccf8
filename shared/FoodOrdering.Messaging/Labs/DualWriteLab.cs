using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using FoodOrdering.Domain;
using FoodOrdering.Messaging.Outbox;
using FoodOrdering.Messaging.Relay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Labs;

/// <summary>How a service that has the lab switch writes its data and its event (workshop lab 10).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DualWriteMode>))]
public enum DualWriteMode
{
    /// <summary>The real thing, and the default: the event is an outbox row of the same transaction; the message relay publishes it.</summary>
    TransactionalOutbox,

    /// <summary>Naive dual write: commit the data (no outbox row), then publish the event to the broker. A failed publish loses the event.</summary>
    CommitThenPublish,

    /// <summary>Naive dual write: publish the event inside the open transaction, then commit, which the database refuses: a ghost event.</summary>
    PublishThenCommit,
}

/// <summary>
/// The body of <c>POST /_admin/labs/dual-write</c>, e.g. <c>{"mode":"CommitThenPublish","brokerDown":true}</c>.
/// </summary>
/// <param name="Mode">How the next sign-ups write; <see cref="DualWriteMode.TransactionalOutbox"/> turns the lab off.</param>
/// <param name="BrokerDown">
/// The naive publish goes to a local port where nothing listens: every publish is refused as by a stopped
/// broker, for this service's naive publish only (the shared broker and the message relay are untouched).
/// </param>
public sealed record DualWriteSetting(DualWriteMode Mode = DualWriteMode.TransactionalOutbox, bool BrokerDown = false)
{
    public static readonly DualWriteSetting Off = new();

    [JsonIgnore]
    public bool IsOn => Mode != DualWriteMode.TransactionalOutbox;

    /// <summary>The setting, or <see cref="InvalidInputException"/> (a 400) naming what is wrong.</summary>
    public DualWriteSetting Validated() => !IsOn && BrokerDown
        ? throw new InvalidInputException("brokerDown applies to the naive dual write only (CommitThenPublish or PublishThenCommit): the message relay always uses the real broker.")
        : this;
}

/// <summary>Thrown by the naive publish when the broker did not take the event.</summary>
public sealed class DualWritePublishException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A LAB-ONLY switch (workshop lab 10, docs/workshop/10-transactional-messaging.md) that makes a service
/// do what the transactional outbox exists to avoid: a dual write, the database and the broker written as
/// two separate steps. It exists only with fault injection on (<c>FTGO_FAULTS_ENABLED=true</c>, as
/// <c>./ftgo demo</c> and <c>./ftgo up --faults</c> start the services), is off until switched at
/// <c>/_admin/labs/dual-write</c>, and never reachable through the gateway. The service's own code decides
/// what to do with <see cref="Current"/> (services/Consumer/Labs/NaiveDualWriteSignUp.cs); this class gives
/// it the two naive pieces: <see cref="PublishAsync"/>, the broker written directly (with the message relay's
/// own <see cref="BrokerPublisher"/>, so the message is the one the relay would send), and
/// <see cref="RefuseCommitAsync"/>, a commit the database refuses.
/// </summary>
public sealed class DualWriteLab(string rabbitMqUri, MessagingOptions options, MessagingMetrics metrics, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly ILogger logger = loggers.CreateLogger<DualWriteLab>();
    private readonly Lock gate = new();
    private volatile State state = new(DualWriteSetting.Off, null, null);

    public DualWriteSetting Current => state.Setting;

    /// <summary>Where the naive code logs what goes wrong: under this class's name, easy to find in the service's log.</summary>
    public ILogger Logger => logger;

    public void Set(DualWriteSetting setting)
    {
        State old;
        lock (gate)
        {
            old = state;
            if (!setting.IsOn)
            {
                state = new State(DualWriteSetting.Off, null, null);
            }
            else
            {
                var deadPort = setting.BrokerDown ? DeadPort() : null;
                var uri = deadPort is null ? rabbitMqUri : new UriBuilder(rabbitMqUri) { Host = "127.0.0.1", Port = ((IPEndPoint)deadPort.LocalEndPoint!).Port }.Uri.ToString();
                state = new State(setting, new BrokerPublisher(uri, options, metrics, loggers.CreateLogger<BrokerPublisher>()), deadPort);
            }
        }
        _ = ReleaseAsync(old.Publisher, old.DeadPort); // a sign-up still publishing on it fails: a lab, switched by hand
        if (setting.IsOn)
        {
            logger.LogWarning(
                "LAB SWITCH: sign-ups now use a NAIVE DUAL WRITE ({Mode}{BrokerDown}) instead of the transactional outbox; events can be lost or ghosts. DELETE /_admin/labs/dual-write restores the outbox",
                setting.Mode, setting.BrokerDown ? ", broker down: the naive publish goes to a port where nothing listens" : "");
        }
        else
        {
            logger.LogWarning("LAB SWITCH: dual-write lab off; sign-ups write their events through the transactional outbox again");
        }
    }

    /// <summary>
    /// The naive publish: <paramref name="domainEvent"/> straight to the broker, now, outside any transaction,
    /// on its channel with <paramref name="aggregateId"/> as its key (the message the outbox row would have
    /// been). Returns when the broker confirmed it; throws <see cref="DualWritePublishException"/> when not.
    /// </summary>
    public async Task PublishAsync(object domainEvent, string aggregateId, CancellationToken cancellationToken)
    {
        var publisher = state.Publisher ?? throw new InvalidOperationException("The dual-write lab is off: sign-ups use the transactional outbox.");
        var message = TransactionalOutbox.EventMessage(domainEvent, aggregateId);
        var result = await publisher.PublishAsync([message], cancellationToken);
        if (result.BrokerFailure is { } failure)
        {
            throw new DualWritePublishException($"The broker did not take {message.MessageType} {message.Id}: {failure.Message}", failure);
        }
        if (result.Outcomes.Single() is { Status: not PublishStatus.Sent } outcome)
        {
            throw new DualWritePublishException($"{message.MessageType} {message.Id} was not published ({outcome.Status}: {outcome.Reason}).");
        }
        logger.LogWarning("Dual write: published {MessageType} {MessageId} (key {Key}) directly to the broker, not through the outbox",
            message.MessageType, message.Id, aggregateId);
    }

    /// <summary>
    /// Makes the database refuse the COMMIT of <paramref name="db"/>'s open transaction, as it does when a
    /// deferred constraint (a deferred foreign key, say) is violated: constraints declared DEFERRABLE INITIALLY
    /// DEFERRED are checked at COMMIT, not at the INSERT. The lab declares one on a temporary table of this
    /// transaction (dropped at its end, nothing else sees it) and violates it now; the COMMIT then fails with
    /// a unique violation and PostgreSQL rolls everything back.
    /// </summary>
    public static Task RefuseCommitAsync(DbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            """
            CREATE TEMPORARY TABLE dual_write_lab_refused_commit (id int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP;
            INSERT INTO dual_write_lab_refused_commit VALUES (1), (1);
            """, cancellationToken);

    /// <summary>
    /// A TCP port on 127.0.0.1 that this process holds without listening: a connection to it is refused at
    /// once, exactly as when the broker is stopped, and no other process can start listening on it meanwhile.
    /// </summary>
    private static Socket DeadPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static async Task ReleaseAsync(BrokerPublisher? publisher, Socket? deadPort)
    {
        if (publisher is not null)
        {
            await publisher.DisposeAsync();
        }
        deadPort?.Dispose();
    }

    private sealed record State(DualWriteSetting Setting, BrokerPublisher? Publisher, Socket? DeadPort);

    public async ValueTask DisposeAsync()
    {
        var old = state;
        state = new State(DualWriteSetting.Off, null, null);
        await ReleaseAsync(old.Publisher, old.DeadPort);
    }
}
