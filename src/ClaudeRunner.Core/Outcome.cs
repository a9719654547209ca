namespace ClaudeRunner;

/// <summary>How one prompt (or one attempt of it) ended.</summary>
public enum Outcome
{
    /// <summary>claude exited 0 with a final <c>result</c> line whose <c>is_error</c> is false.</summary>
    Succeeded,

    /// <summary>The agent itself failed: <c>is_error</c>, max turns, budget, or a non-zero exit without an API error.</summary>
    Failed,

    /// <summary>The API answered 429 (after claude's own retries).</summary>
    RateLimited,

    /// <summary>The API answered 529 (overloaded).</summary>
    Overloaded,

    /// <summary>The API answered 5xx.</summary>
    ServerError,

    /// <summary>The API refused the credentials (401/403).</summary>
    AuthFailed,

    /// <summary>The prompt exceeded its wall-clock timeout and was stopped.</summary>
    TimedOut,

    /// <summary>The run was cancelled before this prompt finished, or the prompt never started.</summary>
    Cancelled,

    /// <summary>claude ended without a final <c>result</c> line (exit 0 without a result, or killed by a signal).</summary>
    Interrupted,

    /// <summary>claude could not be started, or refused to start (not found, not executable, bad arguments, root with skip-permissions).</summary>
    LaunchFailed,

    /// <summary>The account's usage or spend limit is reached (claude's "You've hit your limit · resets …"): not retried, and the run starts no new prompt.</summary>
    UsageLimited,

    /// <summary>The prompt asked for structured output (<c>outputSchema</c>, <c>findings</c>) and got none that follows its schema.</summary>
    NoStructuredOutput,

    /// <summary>A review's findings at or above its <c>failOn</c> severity: claude succeeded, the code it reviewed did not.</summary>
    FindingsReported,

    /// <summary>A success: the prompt's key (its text, options, inputs and claude's version) has a recorded success, so nothing ran.</summary>
    UpToDate,

    /// <summary>claude succeeded in its worktree, but its patch did not apply to the main working tree (which it left as it was); the patch is kept.</summary>
    Conflicted,
}

/// <summary>Facts about <see cref="Outcome"/> values that every front end shares.</summary>
public static class OutcomeFacts
{
    /// <summary>Whether the outcome is a success: <see cref="Outcome.Succeeded"/>, or <see cref="Outcome.UpToDate"/> (an earlier success stands).</summary>
    public static bool IsSuccess(this Outcome outcome) => outcome is Outcome.Succeeded or Outcome.UpToDate;

    /// <summary>
    /// The <c>CCR</c> code of a prompt that ended with <paramref name="outcome"/> (CCR001 Failed … CCR013 UsageLimited), in
    /// MSBuild's errors and the CI's annotations alike.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The outcome is a success, which has no code.</exception>
    public static string ErrorCode(this Outcome outcome) => outcome switch
    {
        Outcome.Failed => "CCR001",
        Outcome.RateLimited => "CCR002",
        Outcome.Overloaded => "CCR003",
        Outcome.ServerError => "CCR004",
        Outcome.AuthFailed => "CCR005",
        Outcome.TimedOut => "CCR006",
        Outcome.Cancelled => "CCR007",
        Outcome.Interrupted => "CCR008",
        Outcome.LaunchFailed => "CCR009",
        Outcome.Conflicted => "CCR010",
        Outcome.NoStructuredOutput => "CCR011",
        Outcome.FindingsReported => "CCR012",
        Outcome.UsageLimited => "CCR013",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A succeeded prompt has no error code."),
    };

    /// <summary>Whether another attempt may succeed where this one did not.</summary>
    /// <param name="outcome">The outcome of an attempt.</param>
    /// <param name="retryTimeouts">Whether <see cref="Outcome.TimedOut"/> counts as transient.</param>
    public static bool IsTransient(this Outcome outcome, bool retryTimeouts) => outcome switch
    {
        Outcome.RateLimited or Outcome.Overloaded or Outcome.ServerError or Outcome.Interrupted => true,
        Outcome.TimedOut => retryTimeouts,
        _ => false,
    };
}
