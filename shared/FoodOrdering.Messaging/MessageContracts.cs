using System.Collections.Concurrent;
using System.Reflection;
using FoodOrdering.Contracts;

namespace FoodOrdering.Messaging;

/// <summary>One message contract: its .NET type and what its [Message] attribute says.</summary>
public sealed record MessageContract(Type Type, MessageKind Kind, string? Channel, int SchemaVersion, int Partitions)
{
    /// <summary>The name in the message type header and in docs/asyncapi.yaml.</summary>
    public string Name => Type.Name;

    public bool Sharded => Partitions > 0;
}

/// <summary>
/// Every message contract of FoodOrdering.Contracts, found by its [Message] attribute, looked up by type
/// (when writing to the outbox) and by name (when the relay prepares a channel for an outbox row).
/// Names are the identity on the wire, so two contracts with one name stop the start-up.
/// </summary>
public static class MessageContracts
{
    private static readonly ConcurrentDictionary<Type, MessageContract> ByType = new();
    private static readonly ConcurrentDictionary<string, MessageContract> ByName = new();
    private static readonly Lock Adding = new();

    static MessageContracts() => AddFrom(typeof(MessageAttribute).Assembly);

    /// <summary>The [Message] records of <paramref name="assembly"/>, in: for tests and tools with contracts of their own.</summary>
    public static void AddFrom(Assembly assembly) => Add(assembly.GetTypes());

    /// <summary>The [Message] records among <paramref name="types"/>, in; a name taken by another type stops it.</summary>
    public static void Add(IEnumerable<Type> types)
    {
        lock (Adding)
        {
            foreach (var type in types)
            {
                if (type.GetCustomAttribute<MessageAttribute>() is not { } attribute)
                {
                    continue;
                }
                var contract = new MessageContract(type, attribute.Kind, attribute.Channel, attribute.SchemaVersion, attribute.Partitions);
                if (ByName.TryGetValue(contract.Name, out var existing) && existing.Type != type)
                {
                    throw new InvalidOperationException(
                        $"Two message contracts are named {contract.Name}: {existing.Type.FullName} and {type.FullName}. The name is the message type on the wire: rename one.");
                }
                if (contract.Kind == MessageKind.Reply ? contract.Channel is not null : contract.Channel is null)
                {
                    throw new InvalidOperationException(contract.Kind == MessageKind.Reply
                        ? $"{type.FullName} is a reply: it goes to the channel the command names, so its [Message] names none."
                        : $"{type.FullName} is a {contract.Kind}: its [Message] must name its channel.");
                }
                ByType[type] = contract;
                ByName[contract.Name] = contract;
            }
        }
    }

    public static MessageContract For(Type type) =>
        ByType.GetValueOrDefault(type) ?? throw new InvalidOperationException($"{type.FullName} is not a message contract: mark it [Message] in FoodOrdering.Contracts.");

    public static MessageContract? Named(string name) => ByName.GetValueOrDefault(name);
}
