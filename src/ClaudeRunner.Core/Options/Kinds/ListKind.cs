using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// A list of non-empty texts: a JSON array of strings, or one text split at <see cref="Separators"/>
/// (tool names split at <c>;</c> and <c>,</c>; claude arguments only at <c>;</c>, since an argument may hold a comma).
/// Entries given one per item (repeated CLI options) are split too when <see cref="SplitsEntries"/>: a tool list may be
/// written <c>--allowed-tools Read,Edit</c>, but one <c>--arg</c> is always one argument.
/// </summary>
internal sealed class ListKind(bool splitsEntries, params char[] separators) : OptionKind
{
    public bool SplitsEntries { get; } = splitsEntries;

    public IReadOnlyList<char> Separators { get; } = separators;

    /// <summary>
    /// Arguments no entry may be (also as <c>--name=value</c>): for claude's arguments, those the runner sets itself,
    /// since another output format or a second <c>-p</c> would make every outcome false.
    /// </summary>
    public IReadOnlyList<string> Refused { get; init; } = [];

    public override string Rule => Refused.Count == 0
        ? "must be an array of non-empty strings"
        : $"must be an array of non-empty strings without the arguments the runner sets itself ({string.Join(", ", Refused)})";

    public override bool IsList => true;

    public override object? ParseText(string text) => Checked(Split(text));

    public override object? ParseItems(IReadOnlyList<string> items) => Checked(SplitsEntries ? [.. items.SelectMany(Split)] : items);

    internal override object? ReadJson(JsonNode node) =>
        node is JsonArrayNode array && array.Items.All(i => i is JsonScalarNode { Kind: JsonValueKind.String })
            ? Checked([.. array.Items.Cast<JsonScalarNode>().Select(i => i.Text!)])
            : null;

    internal override JsonNode Culprit(JsonNode node) =>
        node is JsonArrayNode array
            ? array.Items.FirstOrDefault(i => i is not JsonScalarNode { Kind: JsonValueKind.String, Text: { } text } || Checked([text]) is null) ?? node
            : node;

    public override bool Accepts(object value) => value is IReadOnlyList<string> items && Checked(items) is not null;

    public override string Display(object value) => string.Join(Separators[0], (IReadOnlyList<string>)value);

    private string[] Split(string text) => text.Split([.. Separators], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private IReadOnlyList<string>? Checked(IReadOnlyList<string> items) =>
        items.Any(item => string.IsNullOrWhiteSpace(item) || item.Contains('\0', StringComparison.Ordinal) || IsRefused(item)) ? null : [.. items];

    private bool IsRefused(string item) =>
        Refused.Any(refused => item.Trim() is var argument && (argument == refused || argument.StartsWith(refused + "=", StringComparison.Ordinal)));
}
