using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// Environment variables for claude: a JSON object of strings, <c>NAME=value</c> entries (the value may hold <c>=</c>;
/// a later entry wins), or one text of entries separated by <c>;</c>. A name is not empty and holds no <c>=</c>;
/// neither name nor value holds a NUL, which would cut the variable short.
/// </summary>
internal sealed class EnvironmentKind : OptionKind
{
    public override string Rule => "must be NAME=value entries (a name without '=', no NUL characters), separated by ';'";

    public override bool IsList => true;

    public override object? ParseText(string text) =>
        ParseItems(text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public override object? ParseItems(IReadOnlyList<string> items)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !IsValid(item[..equals], item[(equals + 1)..]))
            {
                return null;
            }

            environment[item[..equals]] = item[(equals + 1)..];
        }

        return environment;
    }

    internal override object? ReadJson(JsonNode node)
    {
        if (node is not JsonObjectNode members)
        {
            return null;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in members.Members)
        {
            if (member.Value is not JsonScalarNode { Kind: JsonValueKind.String, Text: { } value } || !IsValid(member.Name, value))
            {
                return null;
            }

            environment[member.Name] = value;
        }

        return environment;
    }

    public override bool Accepts(object value) =>
        value is IReadOnlyDictionary<string, string> environment && environment.All(variable => IsValid(variable.Key, variable.Value));

    // Names only: values may be secrets.
    public override string Display(object value) => string.Join(';', ((IReadOnlyDictionary<string, string>)value).Keys);

    private static bool IsValid(string name, string value) =>
        name.Length > 0 && !name.Contains('=', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal) && !value.Contains('\0', StringComparison.Ordinal);
}
