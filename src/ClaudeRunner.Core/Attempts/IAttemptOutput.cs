namespace ClaudeRunner;

/// <summary>What an attempt reports while it runs.</summary>
internal interface IAttemptOutput
{
    void Output(PromptOutputKind kind, string text);

    /// <summary>claude met a 429 or 529 and retries by itself after <paramref name="retryDelay"/>.</summary>
    void ApiCongestion(int status, TimeSpan? retryDelay);

    /// <summary>The API answered one of claude's requests (a new assistant message).</summary>
    void ApiAnswered();

    /// <summary>claude's <c>rate_limit_event</c> status.</summary>
    void UsageStatus(string status);
}
