using System.Diagnostics;
using System.Text;

namespace FoodOrdering.LocalSystem.Processes;

/// <summary>Runs a short command-line tool (initdb, pg_ctl, apt-get) to completion and captures its output.</summary>
public static class Tool
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null, bool echo = false, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
            if (echo)
            {
                ConsoleLog.Info(line);
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', startInfo.ArgumentList)}' exited with {process.ExitCode}:{Environment.NewLine}{output}");
        }
        return output.ToString();
    }

    /// <summary>The full path of an executable on PATH (or on <paramref name="searchPath"/>), or null.</summary>
    public static string? FindOnPath(string name, string? searchPath = null) =>
        (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
