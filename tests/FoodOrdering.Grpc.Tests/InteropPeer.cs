using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Grpc.Tests;

/// <summary>
/// A real gRPC peer run as a process: the grpc-js and grpcio scripts in interop/. Stopped on dispose,
/// also when a test fails.
/// </summary>
public sealed class InteropPeer(ManagedProcess process) : IAsyncDisposable
{
    public static readonly string Directory = Path.Combine(SystemCatalog.RepositoryRoot(), "tests", "FoodOrdering.Grpc.Tests", "interop");

    /// <summary>Debian's python3 (where python3-grpcio lives), not whatever python3 comes first on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    public IReadOnlyCollection<string> Lines => process.RecentLines;

    public static InteropPeer Start(string program, params string[] arguments)
    {
        if (program == "node" && !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run `npm ci --prefix {Directory}` first (grpc-js for the interop tests).");
        }
        return new InteropPeer(ManagedProcess.Start(Path.GetFileNameWithoutExtension(arguments[0]), 35, program, arguments, Directory));
    }

    /// <summary>Runs a client script to its end and returns what it printed.</summary>
    public static async Task<IReadOnlyCollection<string>> RunToEndAsync(string program, params string[] arguments)
    {
        await using var peer = Start(program, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await peer.WaitForExitAsync(timeout.Token);
        return peer.Lines;
    }

    /// <summary>Waits until a server script says "LISTENING".</summary>
    public async Task WaitUntilListeningAsync() =>
        await Wait.UntilAsync(_ => Task.FromResult(process.HasExited
                ? throw new InvalidOperationException("The peer exited: " + string.Join(Environment.NewLine, Lines))
                : Lines.Any(line => line.StartsWith("LISTENING"))),
            TimeSpan.FromSeconds(30), $"{process.Name} to listen", CancellationToken.None, () => string.Join(Environment.NewLine, Lines));

    private Task<int> WaitForExitAsync(CancellationToken cancellationToken) => process.WaitForExitAsync(cancellationToken);

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
