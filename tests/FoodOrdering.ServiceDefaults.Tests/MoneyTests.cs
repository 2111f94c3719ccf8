using System.Text.Json;
using FoodOrdering.Domain;

namespace FoodOrdering.ServiceDefaults.Tests;

/// <summary>Money is a decimal, and a decimal string on the wire.</summary>
public sealed class MoneyTests
{
    [Theory]
    [InlineData("12.50", 12.50)]
    [InlineData("7", 7)]
    [InlineData("0.01", 0.01)]
    public void Decimal_strings_with_up_to_two_fraction_digits_parse(string text, decimal expected)
    {
        Assert.True(Money.TryParse(text, out var money));
        Assert.Equal(expected, money.Amount);
    }

    [Theory]
    [InlineData("12.345")]
    [InlineData("-1.00")]
    [InlineData("1e3")]
    [InlineData("twelve")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_does_not(string? text) => Assert.False(Money.TryParse(text, out _));

    [Fact]
    public void Json_is_a_string_with_two_fraction_digits_both_ways()
    {
        Assert.Equal("\"12.50\"", JsonSerializer.Serialize(new Money(12.5m)));
        Assert.Equal(new Money(12.5m), JsonSerializer.Deserialize<Money>("\"12.50\""));
    }

    [Fact]
    public void A_json_number_is_refused_so_no_float_ever_carries_money() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Money>("12.5"));
}
