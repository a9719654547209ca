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
