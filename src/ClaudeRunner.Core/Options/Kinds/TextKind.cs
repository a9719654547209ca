namespace ClaudeRunner;

/// <summary>A non-empty text such as a model name; <see cref="KeepsWhitespace"/> keeps it exactly as written (a system prompt).</summary>
internal sealed class TextKind(bool keepsWhitespace = false) : OptionKind
{
    public bool KeepsWhitespace { get; } = keepsWhitespace;

    public override string Rule => "must be a non-empty string";

    public override object? ParseText(string text) =>
        string.IsNullOrWhiteSpace(text) || text.Contains('\0', StringComparison.Ordinal) ? null : KeepsWhitespace ? text : text.Trim();

    internal override object? ReadJson(JsonNode node) =>
        node is JsonScalarNode { Kind: System.Text.Json.JsonValueKind.String, Text: { } text } ? ParseText(text) : null;

    public override bool Accepts(object value) => value is string text && ParseText(text) is not null;
}
