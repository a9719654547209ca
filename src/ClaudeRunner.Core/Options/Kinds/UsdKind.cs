using System.Globalization;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>A positive amount of US dollars, at most <see cref="Maximum"/> (claude's budget flag takes a decimal).</summary>
internal sealed class UsdKind : OptionKind
{
    /// <summary>Far above any real budget, and far below what turns into exponent notation on claude's command line.</summary>
    public const decimal Maximum = 1_000_000m;

    public override string Rule => "must be a positive amount in US dollars such as 2.50 (at most 1000000)";

    public override object? ParseText(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && Accepts(amount) ? amount : null;

    internal override object? ReadJson(JsonNode node) =>
        node is JsonScalarNode { Kind: JsonValueKind.Number, Text: { } text } ? ParseText(text) : null;

    public override bool Accepts(object value) => value is decimal amount && amount > 0 && amount <= Maximum;
}
