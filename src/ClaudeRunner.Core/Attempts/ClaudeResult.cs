using System.Text.Json;

namespace ClaudeRunner;

/// <summary>Token counts of a prompt, from claude's <c>usage</c>.</summary>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheCreationInputTokens">Input tokens written to the prompt cache.</param>
/// <param name="CacheReadInputTokens">Input tokens read from the prompt cache.</param>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long CacheCreationInputTokens, long CacheReadInputTokens)
{
    /// <summary>No tokens.</summary>
    public static TokenUsage Zero { get; } = new(0, 0, 0, 0);

    /// <summary>The sum of two usages.</summary>
    public TokenUsage Plus(TokenUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens, CacheCreationInputTokens + other.CacheCreationInputTokens, CacheReadInputTokens + other.CacheReadInputTokens);
    }
}

/// <summary>The final <c>{"type":"result",…}</c> line of a claude run (docs/claude-cli.md, "Output").</summary>
internal sealed record ClaudeResult(
    string Subtype,
    bool IsError,
    string? Text,
    string? SessionId,
    decimal? CostUsd,
    int? Turns,
    TokenUsage? Usage,
    int? ApiErrorStatus,
    string? ApiErrorType,
    IReadOnlyList<string> Errors)
{
    /// <summary>Parses a stdout line when it is a result line; null for every other line.</summary>
    public static ClaudeResult? TryParse(string line)
    {
        if (!LooksLike(line, "result"))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "type") != "result")
            {
                return null;
            }

            // TryGet* throws on a null value, and the real CLI writes "api_error_status":null on success: check the kind first.
            return new ClaudeResult(
                String(root, "subtype") ?? "unknown",
                root.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True,
                String(root, "result"),
                String(root, "session_id"),
                root.TryGetProperty("total_cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number && cost.TryGetDecimal(out var costValue) ? costValue : null,
                root.TryGetProperty("num_turns", out var turns) && turns.ValueKind == JsonValueKind.Number && turns.TryGetInt32(out var turnsValue) ? turnsValue : null,
                root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                    ? new TokenUsage(Long(usage, "input_tokens"), Long(usage, "output_tokens"), Long(usage, "cache_creation_input_tokens"), Long(usage, "cache_read_input_tokens"))
                    : null,
                root.TryGetProperty("api_error_status", out var status) && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out var statusValue) ? statusValue : null,
                String(root, "api_error_type"),
                root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    ? [.. errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
                    : []);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The session id of an <c>init</c> line, or null for every other line.</summary>
    public static string? TryParseSessionId(string line)
    {
        if (!LooksLike(line, "system"))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && String(document.RootElement, "subtype") == "init"
                ? String(document.RootElement, "session_id")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A cheap test before a full parse. The type is not always the first key (the real CLI writes the
    /// result line's keys in another order), but an unescaped <c>"type":"x"</c> can only be a key, never
    /// text inside a string, where the quotes are escaped.
    /// </summary>
    internal static bool LooksLike(string line, string type) =>
        line.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal) || line.Contains($"\"type\": \"{type}\"", StringComparison.Ordinal);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;
}
