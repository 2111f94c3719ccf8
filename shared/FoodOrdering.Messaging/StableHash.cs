namespace FoodOrdering.Messaging;

/// <summary>FNV-1a: the same number for the same text in every process (string.GetHashCode is randomised per process).</summary>
internal static class StableHash
{
    public static uint Of(string text) => text.Aggregate(2166136261u, (hash, c) => unchecked((hash ^ c) * 16777619u));

    public static long Of64(string text) => text.Aggregate(unchecked((long)0xcbf29ce484222325), (hash, c) => unchecked((hash ^ c) * 0x100000001b3));
}
