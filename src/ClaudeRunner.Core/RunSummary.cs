namespace ClaudeRunner;

/// <summary>The result of a run: one row per prompt, in input order, and totals.</summary>
public sealed record RunSummary
{
    /// <summary>Every prompt, in input order, whether it ran or not.</summary>
    public required IReadOnlyList<PromptResult> Results { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When the run ended.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Whether the run was cancelled.</summary>
    public bool Cancelled { get; init; }

    /// <summary>The termination signal that stopped the run (see <see cref="RunHost"/>), or null.</summary>
    public System.Runtime.InteropServices.PosixSignal? StoppedBy { get; init; }

    /// <summary>Why claude could not be started for any prompt (see <see cref="RunStarted.ClaudeNotFound"/>), or null.</summary>
    public string? ClaudeNotFound { get; init; }

    /// <summary>Where the summary JSON was written; null for a dry run.</summary>
    public string? SummaryFile { get; init; }

    /// <summary>Where the JUnit report was written; null for a dry run.</summary>
    public string? JUnitFile { get; init; }

    /// <summary>Where the HTML report was written; null for a dry run.</summary>
    public string? ReportFile { get; init; }

    /// <summary>Where the SARIF log of the findings was written; null for a run without reviews (<c>findings</c>) and for a dry run.</summary>
    public string? SarifFile { get; init; }

    /// <summary>Why a report (<see cref="SummaryFile"/>, <see cref="JUnitFile"/>, <see cref="ReportFile"/>, <see cref="SarifFile"/>) could not be written, one sentence each; empty when all were.</summary>
    public IReadOnlyList<string> ReportFailures { get; init; } = [];

    /// <summary>What the run tells the CI it runs in (README "CI output"): lines for the build log; <see cref="CiCommands.None"/> without one.</summary>
    public CiCommands Ci { get; init; } = CiCommands.None;

    /// <summary>What the concurrency limit did (adaptive concurrency); null for a dry run.</summary>
    public ConcurrencyHistory? Concurrency { get; init; }

    /// <summary>The API's usage or spend limit that stopped the run, in claude's words; null when none was reached.</summary>
    public string? UsageLimit { get; init; }

    /// <summary>The shard of the whole set this run ran (see <see cref="RunRequest.Shard"/>); null when it ran the whole set.</summary>
    public Shard? Shard { get; init; }

    /// <summary>With a <see cref="Shard"/>: the ids of the whole set, in input order, so that a merge can tell a shard is missing.</summary>
    public IReadOnlyList<string>? ShardSet { get; init; }

    /// <summary>The wall-clock time of the run.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>Prompts that succeeded.</summary>
    public int SucceededCount => Results.Count(r => r.Succeeded);

    /// <summary>Prompts whose recorded success stood, so they did not run.</summary>
    public int UpToDateCount => Results.Count(r => r.Outcome == Outcome.UpToDate);

    /// <summary>Prompts that did not succeed.</summary>
    public IReadOnlyList<PromptResult> Failures => [.. Results.Where(r => !r.Succeeded)];

    /// <summary>Whether every prompt succeeded.</summary>
    public bool AllSucceeded => Results.All(r => r.Succeeded);

    /// <summary>The cost of all prompts.</summary>
    public decimal TotalCostUsd => Results.Sum(r => r.CostUsd);

    /// <summary>The tokens of all prompts.</summary>
    public TokenUsage TotalTokens => Results.Aggregate(TokenUsage.Zero, (sum, r) => sum.Plus(r.Tokens));

    /// <summary>Every finding of every review prompt, in prompt order.</summary>
    public IReadOnlyList<Finding> Findings => [.. Results.SelectMany(r => r.Findings)];

    /// <summary>Whether any prompt was a review (<c>findings: true</c>), so the run reports its findings by severity.</summary>
    public bool Reviewed { get; init; }

    /// <summary>The closing line every front end prints: "All 8 prompts succeeded" or "2 of 8 prompts failed".</summary>
    public string Headline =>
        Results.Count == 0 ? "Nothing to do: no prompt to run"
        : AllSucceeded
            ? $"All {Results.Count} prompt{(Results.Count == 1 ? string.Empty : "s")} succeeded{(UpToDateCount > 0 ? $" ({UpToDateCount} up to date)" : string.Empty)}"
            : $"{Results.Count - SucceededCount} of {Results.Count} prompt{(Results.Count == 1 ? string.Empty : "s")} failed{(UsageLimit is { } limit ? $" (stopped at the API's usage limit: {limit})" : string.Empty)}";

    /// <summary>"findings: 2 errors, 1 warning, 0 notes" for a run with review prompts; null otherwise.</summary>
    public string? FindingsLine => Reviewed ? $"findings: {RunWording.FindingCounts(Findings)}" : null;
}

/// <summary>The run's concurrency limit over time (see the README's "Adaptive concurrency").</summary>
/// <param name="Initial">The limit the run started at.</param>
/// <param name="Final">The limit when it ended.</param>
/// <param name="Changes">Every change, in order.</param>
/// <param name="RateLimitedSignals">429s claude met (its own retries and final errors).</param>
/// <param name="OverloadedSignals">529s claude met.</param>
public sealed record ConcurrencyHistory(int Initial, int Final, IReadOnlyList<ConcurrencyChanged> Changes, int RateLimitedSignals, int OverloadedSignals);
