using System.Collections;

namespace FoodOrdering.Grpc.Protocol;

/// <summary>One metadata entry: a text value, or bytes for keys ending in "-bin" (base64 on the wire).</summary>
public sealed record MetadataEntry(string Key, string Value, byte[]? Bytes)
{
    public bool IsBinary => Bytes is not null;
}

/// <summary>
/// gRPC metadata: custom HTTP/2 headers (or trailers) of a call. Keys are lower-case
/// <c>[0-9a-z_.-]</c>; a key ending in "-bin" carries bytes. The protocol's own headers
/// (<c>grpc-*</c>, <c>content-type</c>, <c>te</c>, pseudo-headers) are never metadata.
/// </summary>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    public const string BinarySuffix = "-bin";
    private static readonly HashSet<string> ProtocolHeaders = new(["content-type", "te", "host", "content-length", "user-agent", "accept-encoding"], StringComparer.OrdinalIgnoreCase);
    private readonly List<MetadataEntry> entries = [];

    public int Count => entries.Count;
    public MetadataEntry this[int index] => entries[index];

    public Metadata Add(MetadataEntry entry)
    {
        CheckKey(entry.Key, entry.IsBinary);
        entries.Add(entry);
        return this;
    }

    public Metadata Add(string key, string value)
    {
        CheckKey(key, binary: false);
        entries.Add(new MetadataEntry(key, value, null));
        return this;
    }

    public Metadata Add(string key, byte[] value)
    {
        CheckKey(key, binary: true);
        entries.Add(new MetadataEntry(key, Convert.ToBase64String(value), value));
        return this;
    }

    /// <summary>The first text value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => entries.FirstOrDefault(e => e.Key == key && !e.IsBinary)?.Value;

    /// <summary>The first binary value for <paramref name="key"/> (which ends in "-bin"), or null.</summary>
    public byte[]? GetBytes(string key) => entries.FirstOrDefault(e => e.Key == key && e.IsBinary)?.Bytes;

    /// <summary>True for headers that belong to the protocol itself, not to the application (any case).</summary>
    public static bool IsProtocolHeader(string key) =>
        key.StartsWith(':') || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || ProtocolHeaders.Contains(key);

    /// <summary>Adds a header as received from the wire: "-bin" values are base64 (padded or not).</summary>
    public void AddFromWire(string key, string value)
    {
        key = key.ToLowerInvariant();
        if (key.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            Add(key, FromBase64Unpadded(value));
        }
        else
        {
            Add(key, value);
        }
    }

    /// <summary>The value as it goes on the wire: text as is, bytes as unpadded base64 (the spec's advice).</summary>
    public static string ToWire(MetadataEntry entry) => entry.IsBinary ? entry.Value.TrimEnd('=') : entry.Value;

    private static byte[] FromBase64Unpadded(string value)
    {
        var padded = value.Trim();
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.FromBase64String(padded);
    }

    private static void CheckKey(string key, bool binary)
    {
        if (key.Length == 0 || key.Any(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '.' or '-')))
        {
            throw new ArgumentException($"Metadata key '{key}' must be lower-case [0-9a-z_.-].", nameof(key));
        }
        if (IsProtocolHeader(key))
        {
            throw new ArgumentException($"'{key}' is reserved by the gRPC protocol.", nameof(key));
        }
        if (key.EndsWith(BinarySuffix, StringComparison.Ordinal) != binary)
        {
            throw new ArgumentException(binary
                ? $"Binary metadata keys end in \"{BinarySuffix}\": '{key}'."
                : $"Only binary metadata keys end in \"{BinarySuffix}\": '{key}' needs a byte[] value.", nameof(key));
        }
    }

    public IEnumerator<MetadataEntry> GetEnumerator() => entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", entries.Select(e => $"{e.Key}={e.Value}"));
}
