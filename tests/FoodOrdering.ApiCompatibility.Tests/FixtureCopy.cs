namespace FoodOrdering.ApiCompatibility.Tests;

/// <summary>
/// A copy of real API files in a temporary folder, for a fixture change to be made to it: the real
/// files are never edited. Disposing removes the folder.
/// </summary>
public sealed class FixtureCopy : IDisposable
{
    public FixtureCopy(string source)
    {
        Folder = Directory.CreateTempSubdirectory("ftgo-api-fixture-").FullName;
        if (Directory.Exists(source))
        {
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(Folder, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
        else
        {
            File.Copy(source, Path.Combine(Folder, Path.GetFileName(source)));
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
