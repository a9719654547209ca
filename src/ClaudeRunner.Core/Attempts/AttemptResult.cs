namespace ClaudeRunner;

/// <summary>The end of one attempt.</summary>
/// <param name="Verdict">How it ended.</param>
/// <param name="ExitCode">claude's exit code; null when it never started.</param>
/// <param name="Result">claude's final result line, if it wrote one.</param>
/// <param name="SessionId">The claude session, from the result or the init line.</param>
/// <param name="Start">When the attempt started.</param>
/// <param name="End">When it ended, the output drained.</param>
internal sealed record AttemptResult(Verdict Verdict, int? ExitCode, ClaudeResult? Result, string? SessionId, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The last lines of claude's stderr, masked.</summary>
    public string StderrTail { get; init; } = string.Empty;

    /// <summary>What claude's process tree used; null where it cannot be sampled or claude never started.</summary>
    public ResourceUsage? Resources { get; init; }

    public Outcome Outcome => Verdict.Outcome;

    /// <summary>claude refused to resume the session it was given (<see cref="ClaudeCommand.ResumeRefusal"/>): nothing ran.</summary>
    public bool ResumeRefused { get; init; }

    public string Message => Verdict.Message;

    /// <summary>The structured output of a success that asked for it (unwrapped, checked, secrets masked).</summary>
    public System.Text.Json.JsonElement? Output => Verdict.Output;
}
