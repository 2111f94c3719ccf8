namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// A copy of real API files in a temporary folder, for a fixture change to be made to it: the real
/// files are never edited. Disposing removes the folder.
/// </summary>
public sealed class FixtureCopy : IDisposable
{
    /// <summary>A copy of one folder (its content at the top) or one file (under its own name).</summary>
    public FixtureCopy(string source)
        : this((source, Directory.Exists(source) ? "" : Path.GetFileName(source)))
    {
    }

    /// <summary>Copies of several folders or files, each at the relative path given.</summary>
    public FixtureCopy(params (string Source, string Target)[] items)
    {
        Folder = Directory.CreateTempSubdirectory("ftgo-api-fixture-").FullName;
        foreach (var (source, target) in items)
        {
            var files = Directory.Exists(source)
                ? Directory.GetFiles(source, "*", SearchOption.AllDirectories).Select(f => (f, Path.Combine(target, Path.GetRelativePath(source, f))))
                : [(source, target)];
            foreach (var (file, relative) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
                File.Copy(file, PathOf(relative));
            }
        }
    }

    public string Folder { get; }

    public string PathOf(string relativePath) => Path.Combine(Folder, relativePath);

    /// <summary>Replaces the one occurrence of <paramref name="text"/> (the fixture fails loudly if the real file changed under it).</summary>
    public void Replace(string relativePath, string text, string replacement)
    {
        var file = PathOf(relativePath);
        var content = File.ReadAllText(file);
        var at = content.IndexOf(text, StringComparison.Ordinal);
        Assert.True(at >= 0 && content.IndexOf(text, at + 1, StringComparison.Ordinal) < 0, $"'{text}' is not in {relativePath} exactly once.");
        File.WriteAllText(file, content.Replace(text, replacement));
    }

    public void Write(string relativePath, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relativePath))!);
        File.WriteAllText(PathOf(relativePath), content);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
