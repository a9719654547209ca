namespace ClaudeRunner;

/// <summary>
/// Receives a run's progress. Calls are serialized by the engine (one at a time, never after
/// <see cref="ClaudeRunnerEngine.RunAsync"/> returns), so a front end may log without locking.
/// </summary>
public interface IRunObserver
{
    /// <summary>Called for each event, in order.</summary>
    void OnEvent(RunEvent runEvent);
}

/// <summary>Something that happened during a run.</summary>
/// <param name="Time">When it happened.</param>
public abstract record RunEvent(DateTimeOffset Time);

/// <summary>The prompts are valid and the run begins.</summary>
/// <param name="Time">When.</param>
/// <param name="Prompts">Every prompt of the run.</param>
/// <param name="MaxParallel">The most claude processes at once.</param>
/// <param name="LogDirectory">Where the logs go.</param>
public sealed record RunStarted(DateTimeOffset Time, IReadOnlyList<Prompt> Prompts, int MaxParallel, string LogDirectory) : RunEvent(Time)
{
    /// <summary>What is valid but worth saying, such as a <c>foreach</c> that matched no file; each front end logs these as warnings.</summary>
    public IReadOnlyList<InputError> Warnings { get; init; } = [];

    /// <summary>The shard of the whole set this run takes; null for the whole set.</summary>
    public Shard? Shard { get; init; }

    /// <summary>How many prompts the whole set has (more than <see cref="Prompts"/> in a shard).</summary>
    public int SetCount { get; init; }

    /// <summary>
    /// Why claude cannot be started (not found, with install advice), or null. Then no prompt starts: each finishes
    /// <see cref="Outcome.LaunchFailed"/> with this message, and front ends report it once for the run, not per prompt.
    /// </summary>
    public string? ClaudeNotFound { get; init; }

    /// <summary>The CI the run speaks to (README "CI output"), for a front end's log groups; null for none.</summary>
    public CiFormat? Ci { get; init; }
}

/// <summary>An attempt of a prompt started.</summary>
/// <param name="Time">When.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="MaxAttempts">1 + the prompt's retries.</param>
/// <param name="CommandLine">The command, secrets masked.</param>
public sealed record PromptStarted(DateTimeOffset Time, Prompt Prompt, int Attempt, int MaxAttempts, string CommandLine) : RunEvent(Time);

/// <summary>An attempt ended with a transient outcome; another follows after <paramref name="Delay"/>.</summary>
/// <param name="Time">When.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="NextAttempt">The number of the coming attempt.</param>
/// <param name="MaxAttempts">1 + the prompt's retries.</param>
/// <param name="Delay">The backoff before it.</param>
/// <param name="Reason">The outcome of the attempt that failed.</param>
/// <param name="Message">Why it failed.</param>
public sealed record PromptRetrying(DateTimeOffset Time, Prompt Prompt, int NextAttempt, int MaxAttempts, TimeSpan Delay, Outcome Reason, string Message) : RunEvent(Time);

/// <summary>The run's concurrency limit changed (adaptive concurrency): the API signalled congestion, or a success let it grow.</summary>
/// <param name="Time">When.</param>
/// <param name="From">The limit before.</param>
/// <param name="To">The limit now.</param>
/// <param name="Reason">"API rate limited (429)", "API overloaded (529)", "success" or "API answer" (the ramp-up before the first 429).</param>
/// <param name="NextStartIn">How long no prompt starts (the delay the API announced); null when nothing waits.</param>
public sealed record ConcurrencyChanged(DateTimeOffset Time, int From, int To, string Reason, TimeSpan? NextStartIn) : RunEvent(Time)
{
    /// <summary>"API rate limited (429): concurrency 8 → 4, next start in 12s", or "concurrency 5 → 6".</summary>
    public override string ToString() =>
        To < From
            ? $"{Reason}: concurrency {From} → {To}{(NextStartIn is { } wait && wait > TimeSpan.Zero ? $", next start in {OptionText.FormatDuration(wait)}" : string.Empty)}"
            : $"concurrency {From} → {To}";
}

/// <summary>A prompt has its run's slot but waits for a machine slot (MachineMaxParallel): other claudes of this user hold them all.</summary>
/// <param name="Time">When.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="Limit">The machine's limit.</param>
public sealed record WaitingForMachineSlot(DateTimeOffset Time, Prompt Prompt, int Limit) : RunEvent(Time)
{
    /// <summary>"review-auth is waiting for a machine slot: 4 of 4 in use".</summary>
    public override string ToString() => $"{Prompt.Id} is waiting for a machine slot: {Limit} of {Limit} in use";
}

/// <summary>What kind of output a <see cref="PromptOutput"/> carries.</summary>
public enum PromptOutputKind
{
    /// <summary>A line claude wrote to stderr.</summary>
    StandardError,

    /// <summary>Text of an assistant message.</summary>
    Assistant,

    /// <summary>claude retrying an API call by itself.</summary>
    ClaudeRetry,
}

/// <summary>Output of a running prompt worth showing at low importance (secrets masked, long text shortened).</summary>
/// <param name="Time">When.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The text.</param>
public sealed record PromptOutput(DateTimeOffset Time, Prompt Prompt, PromptOutputKind Kind, string Text) : RunEvent(Time);

/// <summary>
/// A prompt succeeded in its worktree and its claude is gone; its changes are applied to the working tree at the end of the
/// run, in input order, and then <see cref="PromptFinished"/> says whether they applied (or conflicted).
/// </summary>
/// <param name="Time">When.</param>
/// <param name="Result">Its result so far.</param>
public sealed record PromptChangesPending(DateTimeOffset Time, PromptResult Result) : RunEvent(Time)
{
    /// <summary>"edit-auth succeeded in its worktree; its changes are applied at the end of the run".</summary>
    public override string ToString() => $"{Result.Id} succeeded in its worktree; its changes are applied at the end of the run";
}

/// <summary>A prompt is done for good (after its retries, or never started).</summary>
/// <param name="Time">When.</param>
/// <param name="Result">Its result.</param>
public sealed record PromptFinished(DateTimeOffset Time, PromptResult Result) : RunEvent(Time);

/// <summary>Periodic progress: "3/10 done, 4 running, ETA 1m20s".</summary>
/// <param name="Time">When.</param>
/// <param name="Done">Prompts finished.</param>
/// <param name="Total">All prompts.</param>
/// <param name="Running">claude processes running now.</param>
/// <param name="Elapsed">Since the run started.</param>
/// <param name="Eta">The estimated time left, null until a prompt finished.</param>
public sealed record Heartbeat(DateTimeOffset Time, int Done, int Total, int Running, TimeSpan Elapsed, TimeSpan? Eta) : RunEvent(Time)
{
    /// <summary>The one-line form every front end prints.</summary>
    public override string ToString() =>
        $"{Done}/{Total} done, {Running} running, {(Eta is { } eta ? "ETA " + OptionText.FormatDuration(eta) : "ETA unknown")}";
}

/// <summary>The run is over and its reports are written.</summary>
/// <param name="Time">When.</param>
/// <param name="Summary">The summary.</param>
public sealed record RunFinished(DateTimeOffset Time, RunSummary Summary) : RunEvent(Time);
