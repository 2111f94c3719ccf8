using System.Collections.Concurrent;
using System.Reflection;
using FoodOrdering.Contracts;

namespace FoodOrdering.Messaging;

/// <summary>One message contract: its .NET type and what its [Message] attribute says.</summary>
public sealed record MessageContract(Type Type, MessageKind Kind, string? Channel, int SchemaVersion, bool Sharded)
{
    /// <summary>The name in the message type header and in docs/asyncapi.yaml.</summary>
    public string Name => Type.Name;
}

/// <summary>
/// Every message contract of FoodOrdering.Contracts, found by its [Message] attribute, looked up by type
/// (when writing to the outbox) and by name (when the relay turns an outbox row back into a message).
/// </summary>
public static class MessageContracts
{
    private static readonly ConcurrentDictionary<Type, MessageContract> ByType = new();
    private static readonly ConcurrentDictionary<string, MessageContract> ByName = new();

    static MessageContracts() => AddFrom(typeof(MessageAttribute).Assembly);

    /// <summary>The [Message] records of <paramref name="assembly"/>, in: for tests and tools with contracts of their own.</summary>
    public static void AddFrom(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<MessageAttribute>() is { } attribute)
            {
                var contract = new MessageContract(type, attribute.Kind, attribute.Channel, attribute.SchemaVersion, attribute.Sharded);
                ByType[type] = contract;
                ByName[contract.Name] = contract;
            }
        }
    }

    public static MessageContract For(Type type) =>
        ByType.GetValueOrDefault(type) ?? throw new InvalidOperationException($"{type.FullName} is not a message contract: mark it [Message] in FoodOrdering.Contracts.");

    public static MessageContract? Named(string name) => ByName.GetValueOrDefault(name);
}
