using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ClaudeRunner.MSBuild;

/// <summary>
/// Runs Claude Code prompts (<c>claude -p</c>) in parallel and fails the build when any fails:
/// <c>&lt;RunClaudeParallel PromptsFile="prompts.json" MaxParallel="4" /&gt;</c>.
/// Relative paths resolve against the project directory. See the package README for the error codes.
/// </summary>
public sealed class RunClaudeParallel : Microsoft.Build.Utilities.Task, ICancelableTask
{
    /// <summary>The default of <see cref="LogDirectory"/>, relative to the project directory.</summary>
    public const string DefaultLogDirectory = "obj/claude";

    // Owned for the life of the task object; Cancel may come at any time, so it is never disposed.
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Prompts files (the JSON format of the prompts schema).</summary>
    public ITaskItem[] PromptsFile { get; set; } = [];

    /// <summary>
    /// Inline prompts: the item spec is the prompt's id, metadata <c>Prompt</c> its text, and any other
    /// per-prompt option of the prompts format as metadata (<c>Model</c>, <c>WorkingDirectory</c>, <c>Timeout</c>, …).
    /// </summary>
    public ITaskItem[] Prompts { get; set; } = [];

    /// <summary>
    /// The directory that relative paths (prompts files, logs, reports, <c>ClaudePath</c>) resolve against.
    /// Default: the directory of the project file that calls the task. Set it to <c>$(MSBuildProjectDirectory)</c>
    /// when the call is in an imported file (MSBuild tells a task only which file holds its call).
    /// </summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The most claude processes at once (default 4).</summary>
    public int MaxParallel { get; set; } = RunRequest.DefaultMaxParallel;

    /// <summary>The claude executable: a path, or a name looked up on PATH (default <c>claude</c>).</summary>
    public string? ClaudePath { get; set; }

    /// <summary>Pass <c>--dangerously-skip-permissions</c> to prompts without a permission mode (default true).</summary>
    public bool DangerouslySkipPermissions { get; set; } = true;

    /// <summary>The default <c>--permission-mode</c> (<c>default</c>, <c>acceptEdits</c>, <c>plan</c>, <c>dontAsk</c>, <c>bypassPermissions</c>).</summary>
    public string? PermissionMode { get; set; }

    /// <summary>The default <c>--model</c>.</summary>
    public string? Model { get; set; }

    /// <summary>The default <c>--allowedTools</c>, separated by <c>;</c> or <c>,</c>.</summary>
    public string? AllowedTools { get; set; }

    /// <summary>The default <c>--disallowedTools</c>, separated by <c>;</c> or <c>,</c>.</summary>
    public string? DisallowedTools { get; set; }

    /// <summary>The default <c>--max-turns</c>.</summary>
    public string? MaxTurns { get; set; }

    /// <summary>The default <c>--max-budget-usd</c>: the most one attempt may cost, in US dollars.</summary>
    public string? MaxBudgetUsd { get; set; }

    /// <summary>The default <c>--append-system-prompt</c>: text appended to claude's system prompt.</summary>
    public string? AppendSystemPrompt { get; set; }

    /// <summary>The default wall-clock limit of one attempt: <c>00:20:00</c>, <c>20m</c>, <c>90s</c> (default 30 minutes).</summary>
    public string? Timeout { get; set; }

    /// <summary>The default number of retries of a transient failure (default 2).</summary>
    public string? Retries { get; set; }

    /// <summary>The delay before the first retry, doubled for each further one (default 10s).</summary>
    public string? RetryDelay { get; set; }

    /// <summary>The longest delay between two attempts (default 2m; raised to <see cref="RetryDelay"/> when that is longer).</summary>
    public string? MaxRetryDelay { get; set; }

    /// <summary>Retry a prompt that timed out like the other transient failures (default false).</summary>
    public bool RetryTimeouts { get; set; }

    /// <summary>How long claude gets to exit after SIGTERM (on timeout or cancel) before its process tree is killed (default 5s).</summary>
    public string? GracePeriod { get; set; }

    /// <summary>How often a progress line (<c>3/10 done, 4 running, ETA 1m20s</c>) is logged; <c>0</c> for never (default 30s).</summary>
    public string? HeartbeatInterval { get; set; }

    /// <summary>The directory of the per-prompt logs (default <c>obj/claude</c>).</summary>
    public string? LogDirectory { get; set; }

    /// <summary>The summary JSON (default <c>summary.json</c> in the log directory).</summary>
    public string? SummaryFile { get; set; }

    /// <summary>The JUnit XML report (default <c>junit.xml</c> in the log directory).</summary>
    public string? JUnitFile { get; set; }

    /// <summary>On the first prompt that fails for good, start no new prompt.</summary>
    public bool FailFast { get; set; }

    /// <summary>Log each prompt's command and start nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>Extra claude arguments for every prompt, one per item.</summary>
    public string[] AdditionalArguments { get; set; } = [];

    /// <summary>Extra environment variables for claude, as <c>NAME=value</c> items (like ToolTask's).</summary>
    public string[] EnvironmentVariables { get; set; } = [];

    /// <summary>
    /// One item per prompt, in input order: the item spec is the id; metadata <c>Outcome</c>, <c>ExitCode</c>,
    /// <c>Succeeded</c>, <c>Attempts</c>, <c>DurationMs</c>, <c>CostUsd</c>, <c>SessionId</c>, <c>LogFile</c>.
    /// </summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    /// <inheritdoc />
    public void Cancel() => _cancellation.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        var taskLocation = new SourceLocation(BuildEngine.ProjectFileOfTaskNode, BuildEngine.LineNumberOfTaskNode, BuildEngine.ColumnNumberOfTaskNode);
        if (PromptsFile.Length == 0 && Prompts.Length == 0)
        {
            Log.LogCodedError(ErrorCodes.NoPrompts, taskLocation, "No prompts: set PromptsFile to a prompts file or Prompts to items with Prompt metadata.");
            return false;
        }

        var parameterErrors = new List<InputError>();
        var request = CreateRequest(taskLocation, parameterErrors);
        parameterErrors.AddRange(request.Validate());
        foreach (var error in parameterErrors)
        {
            Log.LogCodedError(ErrorCodes.InvalidParameter, error.Location ?? taskLocation, error.Message);
        }

        if (parameterErrors.Count > 0)
        {
            return false;
        }

        try
        {
            if (DryRun)
            {
                LogPlan(request);
            }
            else
            {
                Run(request);
            }
        }
        catch (InvalidInputException ex)
        {
            foreach (var error in ex.Errors)
            {
                Log.LogCodedError(ErrorCodes.InvalidPrompts, error.Location ?? taskLocation, error.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    private RunRequest CreateRequest(SourceLocation taskLocation, List<InputError> errors)
    {
        var runDefaults = OptionText.ParseOptions(
            [
                new("Model", Model ?? string.Empty),
                new("PermissionMode", PermissionMode ?? string.Empty),
                new("AllowedTools", AllowedTools ?? string.Empty),
                new("DisallowedTools", DisallowedTools ?? string.Empty),
                new("MaxTurns", MaxTurns ?? string.Empty),
                new("MaxBudgetUsd", MaxBudgetUsd ?? string.Empty),
                new("AppendSystemPrompt", AppendSystemPrompt ?? string.Empty),
                new("Timeout", Timeout ?? string.Empty),
                new("Retries", Retries ?? string.Empty),
            ],
            taskLocation,
            errors);
        var sources = new List<PromptSource>();
        sources.AddRange(PromptsFile.Select(file => PromptSource.FromFile(file.ItemSpec)));
        if (Prompts.Length > 0)
        {
            sources.Add(PromptSource.FromPrompts(Prompts.Select(item => ToPromptInput(item, taskLocation, errors))));
        }

        var request = new RunRequest
        {
            Sources = sources,
            BaseDirectory = Path.GetFullPath(ProjectDirectory ?? ".", Path.GetDirectoryName(Path.GetFullPath(taskLocation.File))!),
            Defaults = runDefaults with
            {
                Args = AdditionalArguments.Length > 0 ? AdditionalArguments : null,
                Env = EnvironmentVariables.Length > 0 ? ParseEnvironment(taskLocation, errors) : null,
            },
            MaxParallel = MaxParallel,
            ClaudePath = string.IsNullOrWhiteSpace(ClaudePath) ? "claude" : ClaudePath,
            DangerouslySkipPermissions = DangerouslySkipPermissions,
            RetryTimeouts = RetryTimeouts,
            FailFast = FailFast,
            LogDirectory = string.IsNullOrWhiteSpace(LogDirectory) ? DefaultLogDirectory : LogDirectory,
            SummaryFile = string.IsNullOrWhiteSpace(SummaryFile) ? null : SummaryFile,
            JUnitFile = string.IsNullOrWhiteSpace(JUnitFile) ? null : JUnitFile,
        }.WithRetryDelays(Duration(RetryDelay, nameof(RetryDelay)), Duration(MaxRetryDelay, nameof(MaxRetryDelay)));
        return request with
        {
            GracePeriod = Duration(GracePeriod, nameof(GracePeriod)) ?? request.GracePeriod,
            HeartbeatInterval = Duration(HeartbeatInterval, nameof(HeartbeatInterval)) ?? request.HeartbeatInterval,
        };

        TimeSpan? Duration(string? text, string parameter)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var duration = OptionRules.ParseDuration(text, allowZero: true);
            if (duration is null)
            {
                errors.Add(new InputError($"{parameter} {OptionRules.Duration} (got '{text}').", taskLocation));
            }

            return duration;
        }
    }

    private static PromptInput ToPromptInput(ITaskItem item, SourceLocation taskLocation, List<InputError> errors)
    {
        var metadata = item.CloneCustomMetadata();
        var options = OptionText.ParseOptions(
            metadata.Keys.Cast<string>().Where(name => !name.Equals("Prompt", StringComparison.OrdinalIgnoreCase))
                .Select(name => new KeyValuePair<string, string>(name, (string)metadata[name]!)),
            taskLocation,
            errors);
        return new PromptInput(item.GetMetadata("Prompt"), item.ItemSpec, options, taskLocation);
    }

    private Dictionary<string, string> ParseEnvironment(SourceLocation taskLocation, List<InputError> errors)
    {
        var environment = OptionText.ParseEnvironment(EnvironmentVariables, out var malformed);
        errors.AddRange(malformed.Select(entry => new InputError($"EnvironmentVariables items must be NAME=value (got '{entry}').", taskLocation)));
        return environment;
    }

    private void LogPlan(RunRequest request)
    {
        var plan = ClaudeRunnerEngine.Plan(request).Prompts;
        foreach (var planned in plan)
        {
            Log.LogMessage(MessageImportance.High, "[{0}] would run in {1} ({2}): {3}", planned.Prompt.Id, planned.Prompt.Options.WorkingDirectory, planned.Limits, planned.CommandLine);
        }

        Log.LogMessage(MessageImportance.High, "Dry run: {0} prompt(s) planned, none started.", plan.Count);
    }

    private void Run(RunRequest request)
    {
        // SIGTERM to `dotnet build` never reaches Cancel(): the signal cancels the run, and the
        // handler holds the process until the children are stopped and the summary is written.
        using var signals = TerminationSignals.Register(_cancellation, terminateAfterStop: true, stopLimit: request.GracePeriod + TimeSpan.FromSeconds(10));
        RunSummary summary;
        try
        {
            // Execute is synchronous by contract; the engine does not block a thread per child.
            summary = ClaudeRunnerEngine.RunAsync(request, new BuildLogObserver(Log), _cancellation.Token).GetAwaiter().GetResult();
        }
        finally
        {
            signals.RunStopped();
        }

        Results = [.. summary.Results.Select(ToItem)];
    }

    private static TaskItem ToItem(PromptResult result) => new(result.Id, new Dictionary<string, string>
    {
        ["Outcome"] = result.Outcome.ToString(),
        ["ExitCode"] = result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        ["Succeeded"] = result.Succeeded ? "true" : "false",
        ["Attempts"] = result.Attempts.ToString(CultureInfo.InvariantCulture),
        ["DurationMs"] = ((long)result.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ["CostUsd"] = result.CostUsd.ToString(CultureInfo.InvariantCulture),
        ["SessionId"] = result.SessionId ?? string.Empty,
        ["LogFile"] = result.LogFile ?? string.Empty,
    });
}
