namespace ClaudeRunner;

/// <summary>The final result of one prompt: one row of the summary.</summary>
public sealed record PromptResult
{
    /// <summary>The prompt's id.</summary>
    public required string Id { get; init; }

    /// <summary>How it ended.</summary>
    public required Outcome Outcome { get; init; }

    /// <summary>Why it ended so, in one line.</summary>
    public required string Message { get; init; }

    /// <summary>Where the prompt was defined.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>claude's exit code of the last attempt; null when claude never ran.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Attempts made; 0 when the prompt never started.</summary>
    public int Attempts { get; init; }

    /// <summary>The attempts (numbered from 1) that continued the previous attempt's conversation instead of starting over (ResumeOnRetry).</summary>
    public IReadOnlyList<int> ResumedAttempts { get; init; } = [];

    /// <summary>Every attempt, in order; empty when the prompt never started. Between two attempts lies the retry's backoff.</summary>
    public IReadOnlyList<AttemptRecord> History { get; init; } = [];

    /// <summary>What the attempts' process trees used: the highest peak memory, the CPU times summed; null when unknown.</summary>
    public ResourceUsage? Resources => ResourceUsage.Combine(History.Select(a => a.Resources));

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>When the last attempt ended.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>From the first start to the last end, backoff included.</summary>
    public TimeSpan Duration => Start is { } start && End is { } end ? end - start : TimeSpan.Zero;

    /// <summary>The cost of all attempts, as claude reported it.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Tokens of all attempts.</summary>
    public TokenUsage Tokens { get; init; } = TokenUsage.Zero;

    /// <summary>Turns of the last attempt.</summary>
    public int? Turns { get; init; }

    /// <summary>The claude session of the last attempt.</summary>
    public string? SessionId { get; init; }

    /// <summary>The final answer (the result line's <c>result</c>).</summary>
    public string? ResultText { get; init; }

    /// <summary>
    /// The structured output of a prompt that asked for it (<c>outputSchema</c>, <c>findings</c>): checked against its
    /// schema, unwrapped when the schema's root is not an object, secrets masked. Null otherwise.
    /// </summary>
    public System.Text.Json.JsonElement? Output { get; init; }

    /// <summary>The file <see cref="Output"/> was written to (<c>&lt;id&gt;.output.json</c> in the log directory), or null.</summary>
    public string? OutputFile { get; init; }

    /// <summary>The findings of a review prompt (<c>findings: true</c>), in claude's order; empty for other prompts.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>The readable log.</summary>
    public string? LogFile { get; init; }

    /// <summary>The raw stream-json log.</summary>
    public string? StreamFile { get; init; }

    /// <summary>The file a per-file prompt is about, relative to its working directory; null for other prompts.</summary>
    public string? File { get; init; }

    /// <summary>For an <see cref="Outcome.UpToDate"/> prompt: the recorded success that stands for this run (its cost is not this run's).</summary>
    public RecordedSuccess? UpToDateWith { get; init; }

    /// <summary>With worktree isolation: the last attempt's patch and changed files, and whether they were applied; null otherwise.</summary>
    public PromptChanges? Changes { get; init; }

    /// <summary>Whether the prompt succeeded, in this run or, up to date, in the run it was recorded from.</summary>
    public bool Succeeded => Outcome.IsSuccess();

    /// <summary>Whether the prompt never started: the run was cancelled (or failed fast) before its first attempt.</summary>
    public bool NeverStarted => Outcome == Outcome.Cancelled && Attempts == 0;
}
