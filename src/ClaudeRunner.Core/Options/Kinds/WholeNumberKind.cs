using System.Globalization;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>A whole number of at least <see cref="Minimum"/> (and at most <see cref="int.MaxValue"/>).</summary>
internal sealed class WholeNumberKind(int minimum) : OptionKind
{
    public int Minimum { get; } = minimum;

    public override string Rule => string.Create(CultureInfo.InvariantCulture, $"must be a whole number of at least {Minimum}");

    public override object? ParseText(string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= Minimum ? value : null;

    internal override object? ReadJson(JsonNode node) =>
        node is JsonScalarNode { Kind: JsonValueKind.Number, IsInteger: true, Number: { } number } && number >= Minimum && number <= int.MaxValue
            ? (int)number
            : null;

    public override bool Accepts(object value) => value is int number && number >= Minimum;
}
