namespace ClaudeRunner;

/// <summary>
/// Whether a failed result is the account's usage or spend limit, which will not clear within a retry's backoff
/// (docs/claude-cli.md "Rate limits"): claude marks it with <c>api_error:"usage_limit_reached"</c> and 429, and
/// words it "You've hit your 5-hour limit · resets 8:38pm (UTC)". The wording changes between versions, so the
/// error type is checked first and the texts are kept here, in one table.
/// </summary>
internal static class UsageLimits
{
    /// <summary>claude's error types for a limit that does not clear soon.</summary>
    private static readonly string[] ErrorTypes = ["usage_limit_reached", "spend_limit_reached"];

    /// <summary>Texts of a 429 that is a usage or spend limit, not a rate limit (matched ignoring case).</summary>
    public static IReadOnlyList<string> Texts { get; } = ["You've hit your", "usage limit", "spend limit", "spending limit", "spend cap"];

    /// <summary>claude's words for the limit (with its reset time when it gave one), or null when the result is no usage limit.</summary>
    public static string? Reached(ClaudeResult result)
    {
        if (!result.IsError)
        {
            return null;
        }

        var text = result.Text ?? string.Join("; ", result.Errors);
        var byType = result.ApiErrorType is { } type && ErrorTypes.Contains(type, StringComparer.Ordinal);
        var byText = result.ApiErrorStatus is 429 or null && Texts.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));
        return byType || byText ? (text.Length > 0 ? text.Trim() : result.ApiErrorType) : null;
    }
}
