using System.Globalization;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// One line of claude's stream-json output (claude-cli.md "Output"), classified once. Reading never
/// throws: a line that is not JSON, is too long to be worth parsing, or cannot be decoded (a lone
/// surrogate escape) is <see cref="Unknown"/>; a field of an unexpected kind reads as missing.
/// </summary>
internal abstract record StreamJsonLine
{
    /// <summary>The longest result line parsed; <see cref="LineSplitter"/> hands lines up to this length over whole.</summary>
    public const int MaxResultLength = 4 * 1024 * 1024;

    // Other lines only feed progress events: a huge one (a tool's output echoed back) is not worth a parse.
    private const int MaxProgressLength = 64 * 1024;

    private static readonly string[] KnownTypes = ["result", "assistant", "system"];

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
                _ => ReadSystem(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid JSON, too deep, or a string that is not valid UTF-16 ("\ud83d" alone).
            return Unknown.Line;
        }
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
        String(root, "api_error_type"),
        root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? [.. errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
            : []);

    private static StreamJsonLine ReadAssistant(JsonElement root)
    {
        if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return new Assistant(string.Empty);
        }

        return new Assistant(string.Concat(content.EnumerateArray()
            .Where(block => block.ValueKind == JsonValueKind.Object && String(block, "type") == "text")
            .Select(block => String(block, "text"))));
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

    /// <summary>An assistant message; <see cref="Text"/> joins its text blocks (empty when it has none).</summary>
    public sealed record Assistant(string Text) : StreamJsonLine;

    /// <summary><c>system/api_retry</c>: claude retries an API call by itself, after <see cref="DelayMs"/>.</summary>
    public sealed record ApiRetry(int? Attempt, int? MaxRetries, int? ErrorStatus, string? Error, long? DelayMs) : StreamJsonLine
    {
        /// <summary>The line as a progress message.</summary>
        public string Describe() =>
            $"claude retries the API call (attempt {Show(Attempt)}/{Show(MaxRetries)}, status {Show(ErrorStatus)} {Error ?? "?"}, in {Show(DelayMs)} ms)";

        private static string Show(long? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "?";
    }

    /// <summary>The final <c>result</c> line.</summary>
    public sealed record Result(ClaudeResult Value) : StreamJsonLine;
}
