using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Testing;

namespace FoodOrdering.EndToEnd.Tests;

/// <summary>
/// Runnable docs: a Markdown page whose commands CI runs, so the page cannot rot (docs/walkthrough.md, the
/// labs in docs/workshop/). The format, also in docs/README.md:
/// <list type="bullet">
/// <item>A fenced block with info string <c>bash</c> is RUN. All <c>bash</c> blocks of one page run in order in
/// ONE bash session, so shell variables set in one block (TOKEN=..., ORDER_ID=...) are visible in the next.
/// Write them as a user types them (curl -s; jq is not guaranteed: python3 -c, grep, sed).</item>
/// <item>A fenced block with info string <c>sh</c> (or <c>console</c>, <c>json</c>, <c>sql</c>, anything else, or a
/// <c>text</c> block not right after a bash block) is shown but NOT run: <c>./ftgo up</c>, <c>docker compose up</c>,
/// commands for a second terminal, psql sessions.</item>
/// <item>A fenced block with info string <c>text</c> directly after a <c>bash</c> block (only blank lines between)
/// is that block's EXPECTED output: every non-empty line must appear, in order, in the output (stdout and
/// stderr together, carriage returns removed); inside a line <c>...</c> matches any text on that line; leading
/// and trailing spaces of an expected line are ignored.</item>
/// <item>A block fails when its expected lines are not found, when its last command exits non-zero, or when
/// it runs longer than its deadline (<see cref="BlockDeadline"/>). Waiting for an asynchronous outcome is a
/// bounded loop in the page itself (<c>for i in $(seq 1 30); do ...; sleep 0.5; done</c>), so a reader's copy
/// works too.</item>
/// <item>The page's URLs are the default ones a reader types: gateway http://127.0.0.1:8080, services'
/// REST 8081-8084 and gRPC 9081-9084, RabbitMQ's AMQP port 15673. The runner starts its own system on free
/// ports (other test assemblies run at the same time, so the defaults cannot be guaranteed) and rewrites <c>127.0.0.1:PORT</c>
/// of a default port in each command to the started system's port, and the started ports in the output
/// back to the defaults before comparing. Only the text <c>127.0.0.1:8080</c> etc. is rewritten (not
/// <c>localhost</c>, not a port put together from variables).</item>
/// <item>The session starts in the repository root with <c>set -o pipefail</c>, stdin from /dev/null for every
/// block, and /usr/bin first on PATH (Debian's python3, where python3-grpcio lives).</item>
/// </list>
/// </summary>
public static partial class RunnableDocs
{
    public static readonly TimeSpan BlockDeadline = TimeSpan.FromSeconds(90);

    /// <summary>One fenced block to run (<paramref name="Number"/>: its index among the page's bash blocks, from 1).</summary>
    public sealed record Block(int Number, int Line, string Command, IReadOnlyList<string> Expected)
    {
        /// <summary>Only for the runner's own tests (a short one); pages always get <see cref="BlockDeadline"/>.</summary>
        public TimeSpan? Deadline { get; init; }
    }

    /// <summary>The bash blocks of a page, each with the expected lines of the text block right after it (none if there is none).</summary>
    public static IReadOnlyList<Block> Parse(string markdown)
    {
        var lines = markdown.Replace("\r", "").Split('\n');
        var blocks = new List<Block>();
        Block? previousBash = null;
        var onlyBlankSincePreviousBash = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                onlyBlankSincePreviousBash &= lines[i].Trim().Length == 0;
                continue;
            }
            var (marker, info, start) = (fence.Groups["fence"].Value, fence.Groups["info"].Value.Trim(), i + 1);
            var end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith(marker, StringComparison.Ordinal))
            {
                end++;
            }
            var body = lines[start..Math.Min(end, lines.Length)];
            if (info == "bash")
            {
                previousBash = new Block(blocks.Count + 1, start, string.Join('\n', body), []);
                blocks.Add(previousBash);
                onlyBlankSincePreviousBash = true;
            }
            else
            {
                if (info == "text" && previousBash is not null && onlyBlankSincePreviousBash)
                {
                    blocks[^1] = previousBash with { Expected = [.. body.Select(l => l.Trim()).Where(l => l.Length > 0)] };
                }
                previousBash = null;
                onlyBlankSincePreviousBash = false;
            }
            i = end;
        }
        return blocks;
    }

    /// <summary>
    /// Starts the whole system as `./ftgo demo` does (every service and the gateway, faults enabled, demo tokens
    /// on), runs every bash block of the page (<paramref name="path"/>: relative to the repository root) and
    /// fails with the block's number, line, command and output at the first block that does not do what the page says.
    /// </summary>
    public static async Task RunAsync(string path, Action<string>? log = null)
    {
        var blocks = Parse(await File.ReadAllTextAsync(Path.Combine(SystemCatalog.RepositoryRoot(), path)));
        Assert.True(blocks.Count > 0, $"{path} has no ```bash block to run.");
        await using var test = await TestSystem.StartAsync(faultsEnabled: true);
        await RunBlocksAsync(path, blocks, PortMap(test), log);
    }

    /// <summary>
    /// Runs <paramref name="blocks"/> in one bash session, with <paramref name="ports"/> ("127.0.0.1:8080" to the
    /// started system's address) rewritten in the commands and back in the output; fails at the first block that
    /// does not end in time, ends non-zero, or misses an expected line.
    /// </summary>
    public static async Task RunBlocksAsync(string path, IReadOnlyList<Block> blocks, IReadOnlyDictionary<string, string> ports, Action<string>? log = null)
    {
        await using var session = BashSession.Start(ports);
        foreach (var block in blocks)
        {
            var (exitCode, output) = await session.RunAsync(block, block.Deadline ?? BlockDeadline);
            log?.Invoke($"--- {path} block {block.Number} (line {block.Line}), exit code {exitCode}{Environment.NewLine}{output}");
            var failure = exitCode is null ? $"did not end within {(block.Deadline ?? BlockDeadline).TotalSeconds:0}s"
                : exitCode != 0 ? $"ended with exit code {exitCode}"
                : MissingLine(block.Expected, output) is { } missing ? $"did not print the expected line{Environment.NewLine}    {missing}"
                : null;
            Assert.True(failure is null, $"""
                {path}, bash block {block.Number} (line {block.Line}) {failure}.
                command:
                {block.Command}
                output (default ports put back):
                {output}
                """);
        }
    }

    /// <summary>The first expected line not found in order in the output (each within one line of it; "..." matches any text), or null.</summary>
    public static string? MissingLine(IReadOnlyList<string> expected, string output)
    {
        var position = 0;
        foreach (var line in expected)
        {
            var pattern = string.Join("[^\n]*?", line.Split("...").Select(Regex.Escape));
            var match = new Regex(pattern).Match(output, position);
            if (!match.Success)
            {
                return line;
            }
            position = match.Index + match.Length;
        }
        return null;
    }

    /// <summary>Default "127.0.0.1:PORT" to the started system's, for every service's REST and gRPC port, the gateway's and RabbitMQ's (AMQP).</summary>
    public static IReadOnlyDictionary<string, string> PortMap(TestSystem test)
    {
        var map = new Dictionary<string, string>();
        foreach (var service in test.System.Services.Where(s => s.Instance == 0))
        {
            map[$"127.0.0.1:{service.Definition.RestPort}"] = new Uri(service.BaseUrl).Authority;
            if (service.Definition.GrpcPort is { } grpcPort && service.GrpcUrl.Length > 0)
            {
                map[$"127.0.0.1:{grpcPort}"] = new Uri(service.GrpcUrl).Authority;
            }
        }
        // A lab's tool connects to the broker (lab 8: tools/OrderingLab); `./ftgo up` puts it on RabbitMqAmqpPort.
        map[$"127.0.0.1:{SystemCatalog.RabbitMqAmqpPort}"] = new Uri(test.System.RabbitMqUri).Authority;
        return map;
    }

    [GeneratedRegex(@"^\s*(?<fence>```+|~~~+)(?<info>[^`]*)$")]
    private static partial Regex Fence();

    /// <summary>One bash process for a whole page: each block is written to a file and sourced, so its variables stay.</summary>
    private sealed partial class BashSession : IAsyncDisposable
    {
        private readonly Process process;
        private readonly IReadOnlyDictionary<string, string> ports;
        private readonly string folder = Directory.CreateTempSubdirectory("ftgo-runnable-doc-").FullName;
        private readonly StringBuilder output = new();
        private readonly Lock gate = new();
        private TaskCompletionSource<int> blockEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private BashSession(Process process, IReadOnlyDictionary<string, string> ports)
        {
            this.process = process;
            this.ports = ports;
        }

        public static BashSession Start(IReadOnlyDictionary<string, string> ports)
        {
            // setsid: bash leads a process group of its own, so disposing ends whatever a block left running too.
            var startInfo = new ProcessStartInfo("setsid", ["bash", "--noprofile", "--norc", "-s"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = SystemCatalog.RepositoryRoot(),
            };
            startInfo.Environment["PATH"] = "/usr/bin:" + Environment.GetEnvironmentVariable("PATH");
            var session = new BashSession(new Process { StartInfo = startInfo }, ports);
            session.process.OutputDataReceived += (_, e) => session.OnLine(e.Data);
            session.process.ErrorDataReceived += (_, e) => session.OnLine(e.Data);
            session.process.Start();
            session.process.BeginOutputReadLine();
            session.process.BeginErrorReadLine();
            // One stream, in the order things were printed: the end marker comes after everything the block wrote.
            session.process.StandardInput.WriteLine("exec 2>&1; set -o pipefail");
            return session;
        }

        /// <summary>Runs one block; null exit code: it did not end before the deadline.</summary>
        public async Task<(int? ExitCode, string Output)> RunAsync(Block block, TimeSpan deadline)
        {
            var file = Path.Combine(folder, $"block-{block.Number}.sh");
            await File.WriteAllTextAsync(file, ports.Aggregate(block.Command, (command, port) => command.Replace(port.Key, port.Value)) + "\n");
            lock (gate)
            {
                output.Clear();
                blockEnd = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            // The end marker starts on a line of its own even when the block's last output has no newline.
            await process.StandardInput.WriteLineAsync($"source '{file}' </dev/null; printf '\\n{EndMarker} %d\\n' $?");
            await process.StandardInput.FlushAsync();
            int? exitCode;
            try
            {
                exitCode = await blockEnd.Task.WaitAsync(deadline);
            }
            catch (TimeoutException)
            {
                exitCode = null;
            }
            lock (gate)
            {
                var text = ports.Aggregate(output.ToString(), (current, port) => current.Replace(port.Value, port.Key));
                return (exitCode, text.TrimEnd());
            }
        }

        private const string EndMarker = "<<<ftgo-runnable-doc-block-end>>>";

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (gate)
            {
                if (line.StartsWith(EndMarker, StringComparison.Ordinal))
                {
                    blockEnd.TrySetResult(int.Parse(line[EndMarker.Length..].Trim()));
                    return;
                }
                output.Append(line.Replace("\r", "")).Append('\n');
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                Posix.SignalGroup(process.Id, Posix.SigKill);
                await process.WaitForExitAsync();
            }
            process.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }
}
