using Cake.Core;
using Cake.Core.IO;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>
/// How <see cref="ClaudeRunnerAliases.RunClaudeParallel(Cake.Core.ICakeContext, FilePath, ClaudeRunnerSettings)"/> runs the prompts.
/// The names match the MSBuild task's parameters. Prompt options set here (model, tools, timeout, …) apply to
/// prompts that set none themselves: a prompts file's <c>defaults</c> and a prompt's own options win.
/// Relative paths resolve against Cake's working directory.
/// </summary>
public sealed class ClaudeRunnerSettings
{
    /// <summary>Gets or sets the most claude processes alive at once (default 4: API rate limits, not the machine, bound useful parallelism).</summary>
    public int MaxParallel { get; set; } = RunRequest.DefaultMaxParallel;

    /// <summary>Gets or sets the claude executable; null looks <c>claude</c> up on PATH.</summary>
    public FilePath? ClaudePath { get; set; }

    /// <summary>Gets or sets whether <c>--dangerously-skip-permissions</c> is passed to prompts that set no permission mode (default true, as the original tool did).</summary>
    public bool DangerouslySkipPermissions { get; set; } = true;

    /// <summary>Gets or sets <c>--permission-mode</c> (<c>default</c>, <c>acceptEdits</c>, <c>plan</c>, <c>dontAsk</c>, <c>bypassPermissions</c>); when set, permissions are not skipped.</summary>
    public string? PermissionMode { get; set; }

    /// <summary>Gets or sets <c>--model</c>, such as <c>sonnet</c> or <c>opus</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets <c>--allowedTools</c>, one tool or pattern per element (e.g. <c>Read</c>, <c>Bash(git diff:*)</c>); empty for claude's default.</summary>
    public ICollection<string> AllowedTools { get; set; } = [];

    /// <summary>Gets or sets <c>--disallowedTools</c>, one tool or pattern per element; empty for none.</summary>
    public ICollection<string> DisallowedTools { get; set; } = [];

    /// <summary>Gets or sets <c>--max-turns</c>.</summary>
    public int? MaxTurns { get; set; }

    /// <summary>Gets or sets <c>--max-budget-usd</c>: the most one attempt may cost, in US dollars.</summary>
    public decimal? MaxBudgetUsd { get; set; }

    /// <summary>Gets or sets <c>--append-system-prompt</c>: text appended to claude's system prompt.</summary>
    public string? AppendSystemPrompt { get; set; }

    /// <summary>Gets or sets the wall-clock limit of one attempt (default 30 minutes).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets how many times a transient failure (rate limit, overload, server error, interruption) is retried (default 2).</summary>
    public int? Retries { get; set; }

    /// <summary>Gets or sets the delay before the first retry; each further retry doubles it, with jitter (default 10 seconds).</summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>Gets or sets the longest delay between two attempts (default 2 minutes). When only one of <see cref="RetryDelay"/> and this is set, the other gives way to it.</summary>
    public TimeSpan? MaxRetryDelay { get; set; }

    /// <summary>Gets or sets whether a prompt that timed out is retried like the other transient failures (default false).</summary>
    public bool RetryTimeouts { get; set; }

    /// <summary>Gets or sets how long claude gets to exit after SIGTERM (on timeout or cancel) before its process tree is killed (default 5 seconds).</summary>
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>Gets or sets how often a progress line (<c>3/10 done, 4 running, ETA 1m20s</c>) is logged; <see cref="TimeSpan.Zero"/> for never (default 30 seconds).</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Gets or sets the directory of the per-prompt logs, <c>summary.json</c> and <c>junit.xml</c> (default <c>claude-logs</c>).</summary>
    public DirectoryPath? LogDirectory { get; set; }

    /// <summary>Gets or sets the summary JSON file (default <c>summary.json</c> in the log directory).</summary>
    public FilePath? SummaryFile { get; set; }

    /// <summary>Gets or sets the JUnit XML report (default <c>junit.xml</c> in the log directory).</summary>
    public FilePath? JUnitFile { get; set; }

    /// <summary>Gets or sets whether the first prompt that fails for good stops the run: nothing new starts, running prompts finish, then the alias throws.</summary>
    public bool FailFast { get; set; }

    /// <summary>Gets or sets whether to log each prompt's claude command instead of running anything.</summary>
    public bool DryRun { get; set; }

    /// <summary>Gets or sets extra claude arguments, appended after the ones the options produce.</summary>
    public ICollection<string> AdditionalArguments { get; set; } = [];

    /// <summary>Gets or sets extra environment variables for claude. Values of secret-looking names (<c>*KEY*</c>, <c>*TOKEN*</c>, …) are masked in every log.</summary>
    public IDictionary<string, string> EnvironmentVariables { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The engine's request for <paramref name="source"/> with these settings; relative paths resolve against Cake's working directory.
    /// </summary>
    /// <exception cref="InvalidInputException">A setting breaks its option's rule.</exception>
    internal RunRequest ToRunRequest(PromptSource source, ICakeEnvironment environment)
    {
        var request = new RunRequest { Sources = [source], BaseDirectory = environment.WorkingDirectory.FullPath };
        var errors = new List<InputError>();
        foreach (var option in RunOptions.All.Where(option => option.IsFrontEndParameter))
        {
            request = request.WithValue(option, EngineValue(typeof(ClaudeRunnerSettings).GetProperty(option.Name)!.GetValue(this)), option.Name, null, errors);
        }

        return errors.Count == 0 ? request : throw new InvalidInputException(errors);
    }

    // Cake's paths stay as written (a bare "claude" is looked up on PATH; the engine resolves the rest against
    // BaseDirectory); an empty collection means unset.
    private static object? EngineValue(object? setting) => setting switch
    {
        Core.IO.Path path => path.FullPath,
        IDictionary<string, string> { Count: 0 } or ICollection<string> { Count: 0 } => null,
        IDictionary<string, string> environment => new Dictionary<string, string>(environment, StringComparer.Ordinal),
        ICollection<string> items => items.ToArray(),
        _ => setting,
    };
}
