using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

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

    /// <summary>
    /// Writes a FileDescriptorSet of <paramref name="files"/> and everything they import (each file once) to a
    /// new temporary file, deleted on dispose: what the grpcio scripts build their message classes from, so
    /// Python needs no protoc and calls with exactly the descriptors generated from our .proto files.
    /// </summary>
    public static async Task<DescriptorSetFile> WriteDescriptorSetAsync(params FileDescriptor[] files)
    {
        var set = new FileDescriptorSet();
        var added = new HashSet<string>();
        void Add(FileDescriptor file)
        {
            foreach (var dependency in file.Dependencies)
            {
                Add(dependency);
            }
            if (added.Add(file.Name))
            {
                set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
            }
        }
        foreach (var file in files)
        {
            Add(file);
        }
        var path = Path.Combine(Path.GetTempPath(), $"ftgo-grpc-interop-{Guid.NewGuid():N}.pb");
        await File.WriteAllBytesAsync(path, set.ToByteArray());
        return new DescriptorSetFile(path);
    }
}

/// <summary>A descriptor set written for a foreign peer; the file goes when disposed.</summary>
public sealed record DescriptorSetFile(string Path) : IDisposable
{
    public void Dispose() => File.Delete(Path);
}
