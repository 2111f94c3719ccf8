using FoodOrdering.Contracts;

// Two contracts with one simple name, for BuildingBlockRulesTests (never added to the registry together).
namespace FoodOrdering.Messaging.Tests.Clash.One
{
    [Message(MessageKind.Event, "twin-events")]
    public sealed record Twin(string Key);
}

namespace FoodOrdering.Messaging.Tests.Clash.Two
{
    [Message(MessageKind.Event, "twin-events")]
    public sealed record Twin(string Key);
}
