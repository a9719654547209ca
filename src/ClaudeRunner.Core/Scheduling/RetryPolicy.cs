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
    private readonly Random _jitter;

    /// <param name="baseDelay">The delay before the first retry, before jitter.</param>
    /// <param name="maxDelay">The ceiling of every delay.</param>
    /// <param name="retryTimeouts">Whether a timed-out attempt is retried.</param>
    /// <param name="jitter">The source of jitter; <see cref="Random.Shared"/> unless a test pins it.</param>
    public RetryPolicy(TimeSpan baseDelay, TimeSpan maxDelay, bool retryTimeouts, Random? jitter = null)
    {
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _retryTimeouts = retryTimeouts;
        _jitter = jitter ?? Random.Shared;
    }

    /// <summary>Whether an attempt that ended so is followed by another: transient, and retries left.</summary>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="attemptsMade">Attempts made so far, this one included.</param>
    /// <param name="retries">The prompt's retries (attempts after the first).</param>
    public bool ShouldRetry(Outcome outcome, int attemptsMade, int retries) =>
        attemptsMade <= retries && outcome.IsTransient(_retryTimeouts);

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var ceiling = Math.Min(_maxDelay.TotalMilliseconds, _baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (_jitter.NextDouble() * ceiling / 2));
    }
}
