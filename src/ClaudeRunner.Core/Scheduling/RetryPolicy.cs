namespace ClaudeRunner;

/// <summary>
/// Exponential backoff with "equal jitter": the n-th retry waits between half and all of
/// base·2ⁿ⁻¹ (capped), so parallel prompts that hit a rate limit together do not retry together,
/// and each delay is at least the previous one's ceiling.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly bool _retryTimeouts;

    public RetryPolicy(TimeSpan baseDelay, TimeSpan maxDelay, bool retryTimeouts)
    {
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _retryTimeouts = retryTimeouts;
    }

    public bool ShouldRetry(Outcome outcome, int attemptsMade, int retries) =>
        attemptsMade <= retries && outcome.IsTransient(_retryTimeouts);

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var ceiling = Math.Min(_maxDelay.TotalMilliseconds, _baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
