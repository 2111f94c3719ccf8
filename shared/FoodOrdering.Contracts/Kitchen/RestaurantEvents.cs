namespace FoodOrdering.Contracts.Kitchen;

/// <summary>
/// A restaurant was created in the Kitchen service, with its whole menu. The Order service keeps a
/// replica of every restaurant's menu from this event and <see cref="RestaurantMenuRevised"/>, so it can
/// price an order without asking the Kitchen service (chapter 3: publish/subscribe).
/// </summary>
[Message(MessageKind.Event, Channels.RestaurantEvents)]
public sealed record RestaurantCreated(long RestaurantId, string Name, RestaurantAddress Address, IReadOnlyList<RestaurantMenuItem> MenuItems);

/// <summary>A restaurant's menu was replaced. It carries the WHOLE new menu: a replica needs no earlier event to apply it.</summary>
[Message(MessageKind.Event, Channels.RestaurantEvents)]
public sealed record RestaurantMenuRevised(long RestaurantId, IReadOnlyList<RestaurantMenuItem> MenuItems);

/// <summary>One dish on a menu. The price is money as a decimal string ("12.34"), as in the REST API.</summary>
public sealed record RestaurantMenuItem(string Id, string Name, string Price);

public sealed record RestaurantAddress(string Street1, string? Street2, string City, string State, string Zip);
