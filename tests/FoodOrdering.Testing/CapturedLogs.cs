using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Testing;

/// <summary>
/// A logger provider that keeps every entry in memory, so a test can assert on what a host logged
/// (a warning that names a channel, how many warnings an outage caused).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public IReadOnlyList<LogEntry> From<TCategory>(LogLevel atLeast = LogLevel.Trace) =>
        Entries.Where(e => e.Category == typeof(TCategory).FullName && e.Level >= atLeast).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
