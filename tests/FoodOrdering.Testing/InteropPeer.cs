using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Testing;

/// <summary>A real gRPC client of another language, run as a process: the grpc-js and grpcio scripts in tests/FoodOrdering.Grpc.Tests/interop/ (the Consumer and Kitchen services' interop tests).</summary>
public static class InteropPeer
{
    public static readonly string Directory = Path.Combine(SystemCatalog.RepositoryRoot(), "tests", "FoodOrdering.Grpc.Tests", "interop");

    /// <summary>Debian's python3 (where python3-grpcio lives), not whatever python3 comes first on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a client script to its end (stopped after a minute, also when a test fails) and returns what it printed.</summary>
    public static async Task<IReadOnlyCollection<string>> RunToEndAsync(string program, params string[] arguments)
    {
        if (program == "node" && !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run `npm ci --prefix {Directory}` first (grpc-js for the interop tests).");
        }
        await using var peer = ManagedProcess.Start(Path.GetFileNameWithoutExtension(arguments[0]), 35, program, arguments, Directory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await peer.WaitForExitAsync(timeout.Token);
        return peer.RecentLines;
    }
}
