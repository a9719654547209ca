namespace ClaudeRunner;

/// <summary>Which shard of the prompts a CI job runs: <c>i/n</c>, <c>auto</c>, or <c>auto/n</c>; kept in that canonical spelling.</summary>
internal sealed class ShardKind : OptionKind
{
    public override string Rule => "must be i/n with i from 1 to n (such as 2/4), auto (read from the CI's parallel-job variables) or auto/n (auto with n jobs in all)";

    public override object? ParseText(string text)
    {
        var trimmed = text.Trim();
        if (string.Equals(trimmed, ShardSelection.Auto, StringComparison.OrdinalIgnoreCase))
        {
            return ShardSelection.Auto;
        }

        if (trimmed.StartsWith(ShardSelection.Auto + "/", StringComparison.OrdinalIgnoreCase))
        {
            return Shard.WholeNumber(trimmed[(ShardSelection.Auto.Length + 1)..]) is { } total and > 0 ? $"{ShardSelection.Auto}/{total}" : null;
        }

        return Shard.Parse(trimmed)?.ToString();
    }

    internal override object? ReadJson(JsonNode node) =>
        node is JsonScalarNode { Kind: System.Text.Json.JsonValueKind.String, Text: { } text } ? ParseText(text) : null;

    public override bool Accepts(object value) => value is string text && ParseText(text) is not null;
}
