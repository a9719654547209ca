using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// One line of claude's stream-json output (claude-cli.md "Output"), classified once. Reading never
/// throws: a line that is not JSON or is too long to be worth parsing is <see cref="Unknown"/>; a lone
/// surrogate escape (<c>\ud83d</c>, which JavaScript writes for half an emoji) reads as U+FFFD; a field
/// of an unexpected kind reads as missing.
/// </summary>
internal abstract record StreamJsonLine
{
    /// <summary>The longest result line parsed; <see cref="LineSplitter"/> hands lines up to this length over whole.</summary>
    public const int MaxResultLength = 4 * 1024 * 1024;

    // Other lines only feed progress events: a huge one (a tool's output echoed back) is not worth a parse.
    private const int MaxProgressLength = 64 * 1024;

    private static readonly string[] KnownTypes = ["result", "assistant", "system", "rate_limit_event"];

    private StreamJsonLine()
    {
    }

    /// <summary>Classifies one stdout line of claude.</summary>
    public static StreamJsonLine Read(string line)
    {
        var type = KnownTypes.FirstOrDefault(t => LooksLike(line, t));
        if (type is null || line.Length > (type == "result" ? MaxResultLength : MaxProgressLength))
        {
            return Unknown.Line;
        }

        return Parse(line, type) ?? (HasLoneSurrogateEscape(line, out var repaired) ? Parse(repaired, type) : null) ?? Unknown.Line;
    }

    private static StreamJsonLine? Parse(string line, string type)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "type") != type)
            {
                return Unknown.Line;
            }

            return type switch
            {
                "result" => new Result(ReadResult(root)),
                "assistant" => ReadAssistant(root),
                "rate_limit_event" => new RateLimitEvent(root.TryGetProperty("rate_limit_info", out var info) && info.ValueKind == JsonValueKind.Object ? String(info, "status") : null),
                _ => ReadSystem(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid JSON, too deep, or a string that is not valid UTF-16 ("\ud83d" alone).
            return null;
        }
    }

    /// <summary>Whether <paramref name="line"/> escapes half a surrogate pair; <paramref name="repaired"/> has U+FFFD for each.</summary>
    private static bool HasLoneSurrogateEscape(string line, out string repaired)
    {
        var text = new StringBuilder(line.Length);
        var found = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] != '\\' || i + 1 >= line.Length)
            {
                text.Append(line[i]);
                continue;
            }

            if (line[i + 1] != 'u' || !TryEscapedChar(line, i, out var c))
            {
                // Any other escape (\\, \") is copied whole, so its second char is never read as an escape's start.
                text.Append(line, i++, 2);
                continue;
            }

            var pairs = char.IsHighSurrogate(c) ? TryEscapedChar(line, i + 6, out var low) && char.IsLowSurrogate(low) : !char.IsLowSurrogate(c);
            if (pairs && char.IsHighSurrogate(c))
            {
                text.Append(line, i, 12);
                i += 11;
            }
            else if (pairs)
            {
                text.Append(line, i, 6);
                i += 5;
            }
            else
            {
                text.Append("\\ufffd");
                found = true;
                i += 5;
            }
        }

        repaired = text.ToString();
        return found;
    }

    private static bool TryEscapedChar(string line, int index, out char c)
    {
        c = default;
        if (index + 6 > line.Length || line[index] != '\\' || line[index + 1] != 'u'
            || !ushort.TryParse(line.AsSpan(index + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        c = (char)code;
        return true;
    }

    /// <summary>
    /// A cheap test before a full parse. The type is not always the first key (the real CLI writes the
    /// result line's keys in another order), but an unescaped <c>"type":"x"</c> can only be a key, never
    /// text inside a string, where the quotes are escaped.
    /// </summary>
    private static bool LooksLike(string line, string type) =>
        line.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal) || line.Contains($"\"type\": \"{type}\"", StringComparison.Ordinal);

    private static ClaudeResult ReadResult(JsonElement root) => new(
        String(root, "subtype") ?? "unknown",
        root.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True,
        String(root, "result"),
        String(root, "session_id"),
        root.TryGetProperty("total_cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number && cost.TryGetDecimal(out var costValue) ? costValue : null,
        Int(root, "num_turns"),
        root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? new TokenUsage(Long(usage, "input_tokens") ?? 0, Long(usage, "output_tokens") ?? 0, Long(usage, "cache_creation_input_tokens") ?? 0, Long(usage, "cache_read_input_tokens") ?? 0)
            : null,
        Int(root, "api_error_status"),
        String(root, "api_error_type") ?? String(root, "api_error"),
        root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? [.. errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
            : [])
    {
        // Cloned: the document is disposed when the line is read.
        StructuredOutput = root.TryGetProperty("structured_output", out var output) && output.ValueKind != JsonValueKind.Null ? output.Clone() : null,
    };

    private static StreamJsonLine ReadAssistant(JsonElement root)
    {
        if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return new Assistant(string.Empty, null);
        }

        return new Assistant(
            string.Concat(content.EnumerateArray()
                .Where(block => block.ValueKind == JsonValueKind.Object && String(block, "type") == "text")
                .Select(block => String(block, "text"))),
            String(message, "id"));
    }

    private static StreamJsonLine ReadSystem(JsonElement root) => String(root, "subtype") switch
    {
        "init" => new Init(String(root, "session_id")),
        "api_retry" => new ApiRetry(Int(root, "attempt"), Int(root, "max_retries"), Int(root, "error_status"), String(root, "error"), Long(root, "retry_delay_ms")),
        _ => Unknown.Line,
    };

    // TryGet* throws on a null value, and the real CLI writes "api_error_status":null on success: check the kind first.
    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    /// <summary>A line the runner has no use for (or could not read).</summary>
    public sealed record Unknown : StreamJsonLine
    {
        public static Unknown Line { get; } = new();
    }

    /// <summary>The first line, <c>system/init</c>: it names the session.</summary>
    public sealed record Init(string? SessionId) : StreamJsonLine;

    /// <summary>
    /// An assistant message; <see cref="Text"/> joins its text blocks (empty when it has none). claude writes one line per
    /// content block, all with the API response's <see cref="MessageId"/>.
    /// </summary>
    public sealed record Assistant(string Text, string? MessageId) : StreamJsonLine;

    /// <summary><c>system/api_retry</c>: claude retries an API call by itself, after <see cref="DelayMs"/>.</summary>
    public sealed record ApiRetry(int? Attempt, int? MaxRetries, int? ErrorStatus, string? Error, long? DelayMs) : StreamJsonLine
    {
        /// <summary>The line as a progress message.</summary>
        public string Describe() =>
            $"claude retries the API call (attempt {Show(Attempt)}/{Show(MaxRetries)}, status {Show(ErrorStatus)} {Error ?? "?"}, in {Show(DelayMs)} ms)";

        private static string Show(long? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "?";
    }

    /// <summary><c>rate_limit_event</c> (subscription logins): the account's usage status, <c>allowed</c>, <c>allowed_warning</c> or <c>rejected</c>.</summary>
    public sealed record RateLimitEvent(string? Status) : StreamJsonLine;

    /// <summary>The final <c>result</c> line.</summary>
    public sealed record Result(ClaudeResult Value) : StreamJsonLine;
}
