namespace FoodOrdering.LocalSystem.Processes;

/// <summary>Writes every process's log lines to the console with a coloured, aligned prefix.</summary>
public static class ConsoleLog
{
    private static readonly Lock Gate = new();
    private static readonly bool UseColour = !Console.IsOutputRedirected || Environment.GetEnvironmentVariable("FORCE_COLOR") is not null;
    private static readonly int[] Palette = [36, 33, 35, 32, 34, 96, 93, 95];

    private const int Width = 10;

    /// <summary>Keeps child processes' output off the console (tests, `./ftgo test`); it still reaches their RecentLines.</summary>
    public static bool QuietProcesses { get; set; }

    public static int ColourFor(int index) => Palette[index % Palette.Length];

    public static void ProcessLine(string prefix, int colour, string line)
    {
        if (!QuietProcesses)
        {
            Line(prefix, colour, line);
        }
    }

    public static void Line(string prefix, int colour, string line)
    {
        lock (Gate)
        {
            var label = prefix.PadRight(Width);
            try
            {
                Console.Out.WriteLine(UseColour ? $"\u001b[{colour}m{label}|\u001b[0m {line}" : $"{label}| {line}");
            }
            catch (IOException)
            {
                // The terminal is gone (its window was closed: SIGHUP). Keep going: we are stopping what we started.
            }
        }
    }

    public static void Info(string message) => Line("ftgo", 97, message);

    public static void Error(string message) => Line("ftgo", 91, message);
}
