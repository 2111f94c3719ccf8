using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FoodOrdering.Domain;

/// <summary>
/// An amount of money. Always a decimal, never a float, and always a decimal string on the wire
/// ("12.50") so that no JSON parser can round it.
/// </summary>
[JsonConverter(typeof(MoneyJsonConverter))]
public readonly record struct Money(decimal Amount) : IComparable<Money>
{
    public static readonly Money Zero = new(0m);

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount);
    public static Money operator *(Money a, int quantity) => new(a.Amount * quantity);
    public static bool operator >(Money a, Money b) => a.Amount > b.Amount;
    public static bool operator <(Money a, Money b) => a.Amount < b.Amount;
    public static bool operator >=(Money a, Money b) => a.Amount >= b.Amount;
    public static bool operator <=(Money a, Money b) => a.Amount <= b.Amount;

    public int CompareTo(Money other) => Amount.CompareTo(other.Amount);

    /// <summary>Parses the wire form: a plain decimal string with at most two fraction digits.</summary>
    public static bool TryParse(string? text, out Money money)
    {
        money = Zero;
        if (string.IsNullOrWhiteSpace(text)
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || decimal.Round(amount, 2) != amount)
        {
            return false;
        }
        money = new Money(amount);
        return true;
    }

    public override string ToString() => Amount.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>Reads and writes <see cref="Money"/> as a decimal string.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Money.TryParse(reader.GetString(), out var money)
            ? money
            : throw new JsonException("Money must be a decimal string with at most two fraction digits, e.g. \"12.50\".");

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
