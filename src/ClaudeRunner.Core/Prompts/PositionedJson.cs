using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// A JSON tree that remembers where each value starts, so validation errors can name a line and
/// column. System.Text.Json's DOM forgets positions; its reader knows them.
/// </summary>
internal abstract record JsonNode(SourceLocation Location)
{
    /// <summary>The value as an error message names it: "an object", "the string \"x\"", "the number 3".</summary>
    public string Describe() => this switch
    {
        JsonObjectNode => "an object",
        JsonArrayNode => "an array",
        JsonScalarNode { Kind: JsonValueKind.String, Text: var text } => $"the string \"{text}\"",
        JsonScalarNode { Kind: JsonValueKind.Number, Text: var text } => $"the number {text}",
        JsonScalarNode scalar => scalar.KindName,
        _ => "a value",
    };
}

internal sealed record JsonObjectNode(SourceLocation Location, IReadOnlyList<JsonMember> Members) : JsonNode(Location);

internal sealed record JsonMember(string Name, SourceLocation NameLocation, JsonNode Value);

internal sealed record JsonArrayNode(SourceLocation Location, IReadOnlyList<JsonNode> Items) : JsonNode(Location);

internal sealed record JsonScalarNode(SourceLocation Location, JsonValueKind Kind, string? Text, double? Number, bool IsInteger) : JsonNode(Location)
{
    public string KindName => Kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

internal static partial class PositionedJson
{
    /// <summary>The largest prompts input read (64 MiB): far above any real prompts file, far below a machine's memory.</summary>
    public const int MaxInputBytes = 64 * 1024 * 1024;

    /// <summary>Parses <paramref name="utf8"/>; on invalid JSON (or bytes that are not UTF-8) adds one error with its position and returns null.</summary>
    public static JsonNode? Parse(byte[] utf8, string fileName, ICollection<InputError> errors)
    {
        var positions = new LinePositions(utf8, fileName);
        if (FirstInvalidUtf8(utf8) is { } invalid)
        {
            // The JSON reader would only fail later, with an exception that is not a JsonException, on reading the string.
            errors.Add(new InputError($"The text is not valid UTF-8 (byte 0x{utf8[invalid]:X2}): save the file as UTF-8.", positions.At(invalid)));
            return null;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                errors.Add(new InputError("The file is empty: expected a JSON object with a \"prompts\" array.", new SourceLocation(fileName, 1, 1)));
                return null;
            }

            var root = ReadValue(ref reader, positions);
            if (reader.Read())
            {
                errors.Add(new InputError("Unexpected content after the end of the JSON value.", positions.At(reader.TokenStartIndex)));
                return null;
            }

            return root;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0);
            var location = positions.AtLineByte(line, (int)(ex.BytePositionInLine ?? 0));
            var message = JsonPositionSuffix().Replace(ex.Message, string.Empty).Trim();
            errors.Add(new InputError($"Invalid JSON: {message}", location));
            return null;
        }
    }

    /// <summary>The value as compact JSON text (comments and trailing commas of the source gone).</summary>
    public static string ToJsonText(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, JsonNode node)
    {
        switch (node)
        {
            case JsonObjectNode obj:
                json.WriteStartObject();
                foreach (var member in obj.Members)
                {
                    json.WritePropertyName(member.Name);
                    Write(json, member.Value);
                }

                json.WriteEndObject();
                break;
            case JsonArrayNode array:
                json.WriteStartArray();
                foreach (var item in array.Items)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            case JsonScalarNode { Kind: JsonValueKind.String, Text: var text }:
                json.WriteStringValue(text);
                break;
            case JsonScalarNode { Kind: JsonValueKind.Null }:
                json.WriteNullValue();
                break;
            case JsonScalarNode scalar:
                // Numbers exactly as written (a double would turn 1e400 or long integers into something else), true and false.
                json.WriteRawValue(scalar.Text!, skipInputValidation: true);
                break;
        }
    }

    private static JsonNode ReadValue(ref Utf8JsonReader reader, LinePositions positions)
    {
        var location = positions.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = new List<JsonMember>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var nameLocation = positions.At(reader.TokenStartIndex);
                    reader.Read();
                    members.Add(new JsonMember(name, nameLocation, ReadValue(ref reader, positions)));
                }

                return new JsonObjectNode(location, members);
            case JsonTokenType.StartArray:
                var items = new List<JsonNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, positions));
                }

                return new JsonArrayNode(location, items);
            case JsonTokenType.String:
                return new JsonScalarNode(location, JsonValueKind.String, reader.GetString(), null, false);
            case JsonTokenType.Number:
                return new JsonScalarNode(location, JsonValueKind.Number, Encoding.UTF8.GetString(reader.ValueSpan), reader.GetDouble(), reader.TryGetInt64(out _));
            case JsonTokenType.True:
                return new JsonScalarNode(location, JsonValueKind.True, "true", null, false);
            case JsonTokenType.False:
                return new JsonScalarNode(location, JsonValueKind.False, "false", null, false);
            default:
                return new JsonScalarNode(location, JsonValueKind.Null, null, null, false);
        }
    }

    private static int? FirstInvalidUtf8(byte[] utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return null;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(utf8.AsSpan(offset), out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.\s*$")]
    private static partial Regex JsonPositionSuffix();

    /// <summary>
    /// Turns byte offsets into 1-based lines and character columns. The reader asks in increasing order, so a column is
    /// counted on from the last one asked on the same line: minified JSON is one line, and counting from the line's start
    /// for every value made validation quadratic in the file's size.
    /// </summary>
    internal sealed class LinePositions
    {
        private readonly byte[] _utf8;
        private readonly string _file;
        private readonly List<int> _lineStarts = [0];
        private int _lastLine = -1;
        private int _lastByte;
        private int _lastColumn;

        public LinePositions(byte[] utf8, string file)
        {
            _utf8 = utf8;
            _file = file;
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        /// <summary>Bytes decoded to count columns so far: the work of every position asked, for a test that it stays linear.</summary>
        public long BytesCounted { get; private set; }

        public SourceLocation At(long offset)
        {
            var index = _lineStarts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            return Column(line, (int)offset - _lineStarts[line]);
        }

        public SourceLocation AtLineByte(int zeroBasedLine, int byteInLine) =>
            Column(Math.Clamp(zeroBasedLine, 0, _lineStarts.Count - 1), byteInLine);

        private SourceLocation Column(int line, int byteInLine)
        {
            var start = _lineStarts[line];
            var length = Math.Clamp(byteInLine, 0, _utf8.Length - start);
            var (from, column) = line == _lastLine && length >= _lastByte ? (_lastByte, _lastColumn) : (0, 0);
            column += Encoding.UTF8.GetCharCount(_utf8, start + from, length - from);
            BytesCounted += length - from;
            (_lastLine, _lastByte, _lastColumn) = (line, length, column);
            return new SourceLocation(_file, line + 1, column + 1);
        }
    }
}