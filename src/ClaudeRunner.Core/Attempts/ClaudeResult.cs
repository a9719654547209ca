namespace ClaudeRunner;

/// <summary>The final <c>{"type":"result",…}</c> line of a claude run (docs/claude-cli.md, "Output"), as <see cref="StreamJsonLine"/> reads it.</summary>
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
    /// <summary>The top-level <c>structured_output</c> of a run given <c>--json-schema</c>; null when there is none.</summary>
    public System.Text.Json.JsonElement? StructuredOutput { get; init; }
}
