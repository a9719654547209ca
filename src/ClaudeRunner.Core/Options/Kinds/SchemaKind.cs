using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// A JSON Schema: the schema itself (an object in a prompts file, JSON text that starts with <c>{</c> elsewhere) or the
/// path of a schema file. The value is text either way; <see cref="OutputSchema.Load"/> reads a path and checks that
/// the schema is one, before anything runs.
/// </summary>
internal sealed class SchemaKind : OptionKind
{
    private static readonly TextKind Path = new();

    public override string Rule => "must be a JSON Schema object or the path of a schema file";

    public override object? ParseText(string text) =>
        OutputSchema.IsInline(text) ? (IsJsonObject(text) ? text.Trim() : null) : Path.ParseText(text);

    internal override object? ReadJson(JsonNode node) => node switch
    {
        JsonObjectNode schema => PositionedJson.ToJsonText(schema),
        JsonScalarNode { Kind: JsonValueKind.String, Text: { } text } => ParseText(text),
        _ => null,
    };

    public override bool Accepts(object value) => value is string text && ParseText(text) is not null;

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, OutputSchema.ReadOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
