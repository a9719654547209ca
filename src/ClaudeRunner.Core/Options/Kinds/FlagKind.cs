using System.Text.Json;

namespace ClaudeRunner;

/// <summary>On or off: <c>true</c>/<c>false</c> as text, a switch on the command line.</summary>
internal sealed class FlagKind : OptionKind
{
    public override string Rule => "must be true or false";

    public override bool IsFlag => true;

    public override object? ParseText(string text) => bool.TryParse(text.Trim(), out var value) ? value : null;

    internal override object? ReadJson(JsonNode node) => node switch
    {
        JsonScalarNode { Kind: JsonValueKind.True } => true,
        JsonScalarNode { Kind: JsonValueKind.False } => false,
        _ => null,
    };

    public override bool Accepts(object value) => value is bool;

    public override string Display(object value) => (bool)value ? "true" : "false";
}
