using FoodOrdering.Domain;

namespace FoodOrdering.Kitchen.Domain;

/// <summary>
/// The Restaurant aggregate as the kitchen knows it: a name, an address and a menu. Tickets are created
/// only for dishes on the menu. The menu is replaced as a whole (REST PUT, gRPC UploadMenu): a menu is
/// validated as one thing, never item by item.
/// </summary>
public sealed class Restaurant
{
    /// <summary>A menu larger than this is refused (a bound on what one upload may hold in memory).</summary>
    public const int MaxMenuItems = 10_000;

    // For EF Core.
    private Restaurant()
    {
        Name = null!;
        Address = null!;
        Menu = null!;
    }

    private Restaurant(string name, Address address, IReadOnlyList<MenuItem> menu)
    {
        Name = name;
        Address = address;
        Menu = [.. menu];
    }

    public long Id { get; private set; }
    public string Name { get; private set; }
    public Address Address { get; private set; }
    public List<MenuItem> Menu { get; private set; }

    public static Restaurant Create(string name, Address address, IReadOnlyList<MenuItem> menu)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidInputException("A restaurant needs a name.");
        }
        ValidateMenu(menu);
        return new Restaurant(name.Trim(), address, menu);
    }

    /// <summary>Replaces the whole menu. Returns false (and changes nothing) when the new menu is the current one.</summary>
    public bool ReviseMenu(IReadOnlyList<MenuItem> menu)
    {
        ValidateMenu(menu);
        if (Menu.SequenceEqual(menu))
        {
            return false;
        }
        Menu = [.. menu];
        return true;
    }

    public MenuItem? FindMenuItem(string menuItemId) => Menu.FirstOrDefault(item => item.Id == menuItemId);

    /// <summary>A menu as a whole: at least one item, unique ids, names, positive prices, bounded size.</summary>
    public static void ValidateMenu(IReadOnlyList<MenuItem> menu)
    {
        if (menu.Count == 0)
        {
            throw new InvalidInputException("A menu needs at least one item.");
        }
        if (menu.Count > MaxMenuItems)
        {
            throw new InvalidInputException($"A menu has at most {MaxMenuItems} items; this one has {menu.Count}.");
        }
        foreach (var (item, index) in menu.Select((item, index) => (item, index)))
        {
            if (string.IsNullOrWhiteSpace(item.Id) || string.IsNullOrWhiteSpace(item.Name))
            {
                throw new InvalidInputException($"Menu item {index + 1} needs an id and a name.");
            }
            if (item.Price <= Money.Zero)
            {
                throw new InvalidInputException($"Menu item '{item.Id}' needs a price above zero.");
            }
        }
        if (menu.GroupBy(item => item.Id).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidInputException($"Menu item id '{duplicate.Key}' appears {duplicate.Count()} times.");
        }
    }
}

public sealed record Address(string Street1, string? Street2, string City, string State, string Zip);

public sealed record MenuItem(string Id, string Name, Money Price);
