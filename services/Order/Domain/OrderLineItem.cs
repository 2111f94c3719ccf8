using FoodOrdering.Domain;

namespace FoodOrdering.Order.Domain;

/// <summary>One line of an order, priced from the restaurant's menu (the replica) when it was ordered or revised.</summary>
public sealed record OrderLineItem(string MenuItemId, string Name, int Quantity, Money Price)
{
    public Money Total => Price * Quantity;
}

/// <summary>What the consumer asks for: how many of which menu item (priced by <see cref="Restaurant.Price"/>).</summary>
public sealed record RequestedLineItem(string MenuItemId, int Quantity);

/// <summary>Where and when to deliver, and what the courier should know (optional: orders before it was added have none).</summary>
public sealed record DeliveryInformation(Address Address, DateTimeOffset DeliveryTime, string? Instructions = null);

public sealed record Address(string Street1, string? Street2, string City, string State, string Zip);
