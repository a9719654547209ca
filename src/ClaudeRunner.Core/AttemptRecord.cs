namespace ClaudeRunner;

/// <summary>One attempt of a prompt as the reports show it: when it ran, how it ended, what claude said on stderr last.</summary>
public sealed record AttemptRecord
{
    /// <summary>1 for the first attempt.</summary>
    public required int Number { get; init; }

    /// <summary>When it started (the run's clock).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When it ended, its output drained.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>How it ended.</summary>
    public required Outcome Outcome { get; init; }

    /// <summary>claude's exit code; null when it never started.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The last lines claude wrote to stderr (at most 8 KiB), secrets masked; empty when it wrote none.</summary>
    public string StderrTail { get; init; } = string.Empty;

    /// <summary>What claude's process tree used (sampled; see <see cref="ResourceUsage"/>); null where it cannot be sampled.</summary>
    public ResourceUsage? Resources { get; init; }

    /// <summary>How long it ran.</summary>
    public TimeSpan Duration => End - Start;
}
