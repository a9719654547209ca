namespace ClaudeRunner;

/// <summary>One of a fixed set of words, matched without regard to case and kept in its canonical spelling.</summary>
internal sealed class ChoiceKind(IReadOnlyList<string> choices) : OptionKind
{
    public IReadOnlyList<string> Choices { get; } = choices;

    public override string Rule => $"must be one of {string.Join(", ", Choices)}";

    public override object? ParseText(string text) =>
        Choices.FirstOrDefault(choice => string.Equals(choice, text.Trim(), StringComparison.OrdinalIgnoreCase));

    internal override object? ReadJson(JsonNode node) =>
        node is JsonScalarNode { Kind: System.Text.Json.JsonValueKind.String, Text: { } text } ? ParseText(text) : null;

    public override bool Accepts(object value) => value is string text && ParseText(text) is not null;
}
