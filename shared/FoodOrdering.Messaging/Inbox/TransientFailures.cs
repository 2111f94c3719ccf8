using System.Net.Sockets;
using Npgsql;

namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// Tells a failure that will pass (the database restarting or failing over, a dropped connection, a
/// serialization failure, a deadlock) from one that never will (a bug, a message that breaks a rule).
/// A transient one pauses the queue and retries for as long as it lasts; only the others may end in the
/// error queue (see <see cref="MessagingBuilder"/>).
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsTransientState(postgres.SqlState):
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                case IOException:
                    return true;
            }
        }
        return false;
    }

    // Connection exceptions (08), insufficient resources (53), operator intervention (57P: shutdown,
    // crash, cannot connect now), serialization failure, deadlock, lock not available.
    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57P", StringComparison.Ordinal) || state is "40001" or "40P01" or "55P03";
}
