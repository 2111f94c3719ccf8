using System.Net;
using System.Net.Sockets;

namespace FoodOrdering.LocalSystem.Processes;

public static class Network
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port on 127.0.0.1 that nobody listens on right now, and that this process has not handed
    /// out before: the port is free again as soon as we look, so two calls could otherwise get the same
    /// one for, say, PostgreSQL and RabbitMQ's distribution port.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary><paramref name="preferred"/> when it is free, otherwise any free port.</summary>
    public static int PreferredOrFreePort(int preferred) => IsFree(preferred) ? preferred : FreePort();

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
