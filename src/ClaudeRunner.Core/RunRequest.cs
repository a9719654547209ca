namespace ClaudeRunner;

/// <summary>
/// Everything a run needs, in one value that every front end builds from its own inputs.
/// Relative paths resolve against <see cref="BaseDirectory"/>, never the process's current directory.
/// </summary>
public sealed record RunRequest
{
    /// <summary>The default for <see cref="MaxParallel"/>: API rate limits, not the machine, bound useful parallelism.</summary>
    public const int DefaultMaxParallel = 4;

    /// <summary>Where the prompts come from, in order.</summary>
    public IReadOnlyList<PromptSource> Sources { get; init; } = [];

    /// <summary>The directory that relative paths resolve against (the project directory, Cake's working directory, the CLI's current directory).</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>The timeout of an attempt when no option sets one.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The retry count when no option sets one.</summary>
    public const int DefaultRetries = 2;

    /// <summary>
    /// Options for prompts that set none themselves (lowest precedence: a prompts file's <c>defaults</c>
    /// and a prompt's own options win). Unset timeout and retries fall back to <see cref="DefaultTimeout"/> and <see cref="DefaultRetries"/>.
    /// </summary>
    public PromptOptions Defaults { get; init; } = PromptOptions.None;

    /// <summary>The most claude processes alive at once; at least 1.</summary>
    public int MaxParallel { get; init; } = DefaultMaxParallel;

    /// <summary>The claude executable: a path, or a name looked up on PATH.</summary>
    public string ClaudePath { get; init; } = "claude";

    /// <summary>Pass <c>--dangerously-skip-permissions</c> to prompts that set no permission mode (the original tool always did).</summary>
    public bool DangerouslySkipPermissions { get; init; } = true;

    /// <summary>The default of <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromMinutes(2);

    /// <summary>The default log directory, under <see cref="BaseDirectory"/>.</summary>
    public const string DefaultLogDirectory = "claude-logs";

    /// <summary>
    /// The delay before the first retry; each further retry doubles it, with jitter. Null for the default, or for
    /// <see cref="MaxRetryDelay"/> when that is set below the default (an unset delay gives way to a given one).
    /// </summary>
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>The longest delay between two attempts. Null for the default, or for <see cref="RetryDelay"/> when that is set above the default.</summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>Whether <see cref="Outcome.TimedOut"/> is retried like the other transient outcomes.</summary>
    public bool RetryTimeouts { get; init; }

    /// <summary>
    /// Whether a retry continues the previous attempt's claude session as a fork (<c>--resume … --fork-session</c>) with a
    /// short "continue" prompt, instead of starting over; a session claude cannot resume falls back to a fresh start.
    /// </summary>
    public bool ResumeOnRetry { get; init; } = true;

    /// <summary>How long claude gets to exit after SIGTERM before its whole process tree is killed.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>On the first prompt that fails for good, start nothing new; running prompts finish.</summary>
    public bool FailFast { get; init; }

    /// <summary>
    /// Whether the concurrency limit adapts to the API (README "Adaptive concurrency"): it starts at
    /// <see cref="DefaultMaxParallel"/>, falls on claude's 429/529 signals (halves, later a tenth off) and grows by one per success up to
    /// <see cref="MaxParallel"/>. Off: MaxParallel from the start, whatever the API says (for users with their own gateway).
    /// </summary>
    public bool AdaptiveConcurrency { get; init; } = true;

    /// <summary>
    /// The most claude processes of all ClaudeRunner runs of this user on this machine at once (README "One budget per
    /// machine"); null for no machine-wide limit. The environment variable <c>CLAUDE_RUNNER_MACHINE_MAX_PARALLEL</c> wins where set.
    /// </summary>
    public int? MachineMaxParallel { get; init; }

    /// <summary>The default for <see cref="MaxLogSizeMB"/>: far more than a readable log, far less than a full disk.</summary>
    public const int DefaultMaxLogSizeMB = 64;

    /// <summary>
    /// The most MiB of claude's output each prompt's <c>.jsonl</c> and <c>.log</c> get; what comes after is still read and
    /// judged, not written, and a note in the file says where it was cut.
    /// </summary>
    public int MaxLogSizeMB { get; init; } = DefaultMaxLogSizeMB;

    /// <summary>The directory of the per-prompt logs; default <c>claude-logs</c> under <see cref="BaseDirectory"/>.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>The summary JSON file; default <c>summary.json</c> in the log directory.</summary>
    public string? SummaryFile { get; init; }

    /// <summary>The JUnit XML report; default <c>junit.xml</c> in the log directory.</summary>
    public string? JUnitFile { get; init; }

    /// <summary>The HTML report; default <c>report.html</c> in the log directory.</summary>
    public string? ReportFile { get; init; }

    /// <summary>The SARIF log of a run with reviews (<c>findings</c>); default <c>findings.sarif</c> beside the summary.</summary>
    public string? SarifFile { get; init; }

    /// <summary>How often a heartbeat event reports progress; <see cref="TimeSpan.Zero"/> for never.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where successes are recorded by key; default <c>cache</c> in the log directory.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Run every prompt, up to date or not, and record the new results.</summary>
    public bool Force { get; init; }

    /// <summary>Show each prompt's command and effective options; start nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Which shard of the prompts this CI job runs: <c>i/n</c> (1 ≤ i ≤ n), <c>auto</c> (from the CI's parallel-job
    /// variables: GitLab, Azure Pipelines, Buildkite, CircleCI) or <c>auto/n</c> (the total given, for a Kubernetes
    /// Indexed Job); null for the whole set. Every job cuts the whole set alike, by id and durations history.
    /// </summary>
    public string? Shard { get; init; }

    /// <summary>Earlier summary files (or directories of them) whose durations cut shards and order prompts; the cache's recorded successes fill in the rest.</summary>
    public IReadOnlyList<string>? History { get; init; }

    /// <summary>The order prompts start in: <c>input</c>, or <c>longest-first</c> by history; null for longest-first when there is history, input otherwise.</summary>
    public string? Order { get; init; }

    /// <summary>
    /// What the run tells the CI it runs in (README "CI output"): <c>auto</c> (null) detects GitHub Actions, Azure Pipelines
    /// or TeamCity from their variables; <c>none</c> turns it off; <c>github</c>, <c>azure</c> or <c>teamcity</c> choose one.
    /// </summary>
    public string? CiOutput { get; init; }

    /// <summary>Reads an environment variable (null when unset) for <c>Shard=auto</c> and CI detection; tests give their own instead of changing the process's.</summary>
    internal Func<string, string?> EnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The clock of every wait and time stamp of the run: attempt timeouts, the grace period, retry backoff,
    /// heartbeats, event times and result times. For tests (a fake clock); leave it at <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates a prompt's log file; tests make it fail like a full disk. Null: owner-only files in the log directory.</summary>
    internal Func<string, StreamWriter>? CreateLogFile { get; init; }

    internal string ResolvedLogDirectory => Path.GetFullPath(LogDirectory ?? DefaultLogDirectory, BaseDirectory);

    internal string ResolvedCacheDirectory => CacheDirectory is null ? Path.Combine(ResolvedLogDirectory, "cache") : Path.GetFullPath(CacheDirectory, BaseDirectory);

    internal string ResolvedSummaryFile => SummaryFile is null ? Path.Combine(ResolvedLogDirectory, "summary.json") : Path.GetFullPath(SummaryFile, BaseDirectory);

    internal string ResolvedSarifFile => SarifFile is null ? Path.Combine(Path.GetDirectoryName(ResolvedSummaryFile)!, "findings.sarif") : Path.GetFullPath(SarifFile, BaseDirectory);

    internal string ResolvedJUnitFile => JUnitFile is null ? Path.Combine(ResolvedLogDirectory, "junit.xml") : Path.GetFullPath(JUnitFile, BaseDirectory);

    internal string ResolvedReportFile => ReportFile is null ? Path.Combine(ResolvedLogDirectory, "report.html") : Path.GetFullPath(ReportFile, BaseDirectory);

    /// <summary>The retry delays in effect: a delay given wins, an unset one gives way to it (a first delay above the
    /// default cap raises the cap; a cap below the default first delay lowers the first delay).</summary>
    internal (TimeSpan First, TimeSpan Max) EffectiveRetryDelays
    {
        get
        {
            var first = RetryDelay ?? (MaxRetryDelay is { } cap && cap < DefaultRetryDelay ? cap : DefaultRetryDelay);
            return (first, MaxRetryDelay ?? (first > DefaultMaxRetryDelay ? first : DefaultMaxRetryDelay));
        }
    }

    /// <summary>The problems with the settings of the request (not its prompts), empty when there are none.</summary>
    public IReadOnlyList<InputError> Validate()
    {
        var errors = OptionValues.Problems(this).ToList();
        if (RetryDelay is { } first && MaxRetryDelay is { } max && max < first)
        {
            errors.Add(new InputError($"RetryDelay must be at most MaxRetryDelay (got {OptionText.FormatDuration(first)} and {OptionText.FormatDuration(max)})."));
        }

        return errors;
    }
}
