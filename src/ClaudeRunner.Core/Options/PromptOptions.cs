namespace ClaudeRunner;

/// <summary>
/// The per-prompt options of the prompts format. Every value is optional; a prompt's own value wins
/// over its file's <c>defaults</c>, which win over the run's defaults (see <see cref="Over"/>).
/// </summary>
public sealed record PromptOptions
{
    /// <summary>An instance with nothing set.</summary>
    public static PromptOptions None { get; } = new();

    /// <summary>The directory claude runs in; relative paths resolve against the prompts file's directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary><c>--model</c>.</summary>
    public string? Model { get; init; }

    /// <summary><c>--allowedTools</c>.</summary>
    public IReadOnlyList<string>? AllowedTools { get; init; }

    /// <summary><c>--disallowedTools</c>.</summary>
    public IReadOnlyList<string>? DisallowedTools { get; init; }

    /// <summary><c>--permission-mode</c>; when set, <c>--dangerously-skip-permissions</c> is not passed.</summary>
    public string? PermissionMode { get; init; }

    /// <summary><c>--max-turns</c>.</summary>
    public int? MaxTurns { get; init; }

    /// <summary><c>--max-budget-usd</c>.</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary><c>--append-system-prompt</c>.</summary>
    public string? AppendSystemPrompt { get; init; }

    /// <summary>Wall-clock limit of one attempt.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many times a transient failure is retried.</summary>
    public int? Retries { get; init; }

    /// <summary>Extra environment variables for claude.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Globs of the files whose content decides the result (relative to the working directory; <c>!</c> excludes).</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>
    /// The JSON Schema claude's answer must follow (<c>--json-schema</c>): the schema as JSON text, or the path of a
    /// schema file (relative to the prompts file, or the run's base directory). A prompt's schema is loaded once, so on a
    /// validated <see cref="Prompt"/> it is always the JSON text.
    /// </summary>
    public string? OutputSchema { get; init; }

    /// <summary>Whether the prompt is a review whose answer is a list of findings, each reported as a diagnostic at its file and line.</summary>
    public bool? Findings { get; init; }

    /// <summary>The least severity of a finding that fails the prompt: <c>error</c> (default), <c>warning</c>, or <c>never</c>.</summary>
    public string? FailOn { get; init; }

    /// <summary>Extra claude arguments, appended after the ones the options produce.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Where claude works: <c>none</c> (the working directory; the default) or <c>worktree</c> (a fresh git worktree per attempt).</summary>
    public string? Isolation { get; init; }

    /// <summary>With <c>worktree</c> isolation: whether a successful prompt's patch is applied to the main working tree after the run (default true).</summary>
    public bool? ApplyChanges { get; init; }

    /// <summary>
    /// These options on top of <paramref name="fallback"/>: each value set here wins; <see cref="Env"/>
    /// is merged (this wins per variable) and <see cref="Args"/> are appended to the fallback's.
    /// </summary>
    public PromptOptions Over(PromptOptions fallback) => new()
    {
        WorkingDirectory = WorkingDirectory ?? fallback.WorkingDirectory,
        Model = Model ?? fallback.Model,
        AllowedTools = AllowedTools ?? fallback.AllowedTools,
        DisallowedTools = DisallowedTools ?? fallback.DisallowedTools,
        PermissionMode = PermissionMode ?? fallback.PermissionMode,
        MaxTurns = MaxTurns ?? fallback.MaxTurns,
        MaxBudgetUsd = MaxBudgetUsd ?? fallback.MaxBudgetUsd,
        AppendSystemPrompt = AppendSystemPrompt ?? fallback.AppendSystemPrompt,
        Timeout = Timeout ?? fallback.Timeout,
        Retries = Retries ?? fallback.Retries,
        Inputs = Inputs ?? fallback.Inputs,
        Isolation = Isolation ?? fallback.Isolation,
        ApplyChanges = ApplyChanges ?? fallback.ApplyChanges,
        OutputSchema = OutputSchema ?? fallback.OutputSchema,
        Findings = Findings ?? fallback.Findings,
        FailOn = FailOn ?? fallback.FailOn,
        Env = MergeEnv(fallback.Env, Env),
        Args = fallback.Args is null ? Args : Args is null ? fallback.Args : [.. fallback.Args, .. Args],
    };

    /// <summary>These options with a relative working directory and schema file made absolute against <paramref name="directory"/>.</summary>
    internal PromptOptions WithPathsFrom(string directory) => this with
    {
        WorkingDirectory = WorkingDirectory is { } workingDirectory ? Path.GetFullPath(workingDirectory, directory) : null,
        OutputSchema = OutputSchema is { } schema && !ClaudeRunner.OutputSchema.IsInline(schema) ? Path.GetFullPath(schema, directory) : OutputSchema,
    };

    private static IReadOnlyDictionary<string, string>? MergeEnv(IReadOnlyDictionary<string, string>? under, IReadOnlyDictionary<string, string>? over)
    {
        if (under is null || over is null)
        {
            return over ?? under;
        }

        var merged = new Dictionary<string, string>(under, StringComparer.Ordinal);
        foreach (var (name, value) in over)
        {
            merged[name] = value;
        }

        return merged;
    }
}
