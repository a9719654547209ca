using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ClaudeRunner.MSBuild;

/// <summary>
/// Runs Claude Code prompts (<c>claude -p</c>) in parallel and fails the build when any fails:
/// <c>&lt;RunClaudeParallel PromptsFile="prompts.json" MaxParallel="4" /&gt;</c>.
/// Relative paths resolve against the project directory. See the package README for the error codes.
/// The option parameters (<c>MaxParallel</c>, <c>Model</c>, …) are generated from the option table, <see cref="RunOptions"/>.
/// </summary>
public sealed partial class RunClaudeParallel : Microsoft.Build.Utilities.Task, ICancelableTask
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

    /// <summary>
    /// One item per prompt, in input order: the item spec is the id; metadata <c>Outcome</c>, <c>ExitCode</c>,
    /// <c>Succeeded</c> (also true when <c>Outcome</c> is <c>UpToDate</c>), <c>Attempts</c>, <c>DurationMs</c>, <c>CostUsd</c>, <c>SessionId</c>,
    /// <c>LogFile</c>, <c>File</c> (the file of a per-file prompt), <c>StructuredOutput</c> (the structured output as JSON text, for a prompt
    /// with <c>OutputSchema</c> or <c>Findings</c>), <c>OutputFile</c>, <c>Findings</c> (how many a review reported); with worktree
    /// isolation <c>Patch</c> (its <c>.patch</c> file), <c>ChangedFiles</c> (the changed paths, <c>;</c>-separated) and <c>ChangesApplied</c>.
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
            if (request.DryRun)
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

    internal RunRequest CreateRequest(SourceLocation taskLocation, List<InputError> errors)
    {
        var baseDirectory = Path.GetFullPath(ProjectDirectory ?? ".", Path.GetDirectoryName(Path.GetFullPath(taskLocation.File))!);
        var sources = new List<PromptSource>();
        sources.AddRange(PromptsFile.Select(file => PromptSource.FromFile(file.ItemSpec)));
        if (Prompts.Length > 0)
        {
            sources.Add(PromptSource.FromPrompts(Prompts.Select(item => ToPromptInput(item, baseDirectory, taskLocation, errors))));
        }

        var request = new RunRequest
        {
            Sources = sources,
            BaseDirectory = baseDirectory,
            LogDirectory = DefaultLogDirectory,
        };

        // Every parameter named in the option table, read by its kind's rule; MSBuild leaves an unset or empty parameter at its default.
        foreach (var option in RunOptions.All.Where(option => option.IsFrontEndParameter))
        {
            request = typeof(RunClaudeParallel).GetProperty(option.Name)!.GetValue(this) switch
            {
                string text => request.WithText(option, text, option.Name, taskLocation, errors),
                string[] items => request.WithItems(option, items, option.Name, taskLocation, errors),
                var typed => request.WithValue(option, typed, option.Name, taskLocation, errors),
            };
        }

        return request;
    }

    /// <summary>
    /// An item that names a file (<c>Include="src/**/*.cs"</c>) is a prompt about that file, its <c>Prompt</c> a template
    /// with <c>{file}</c> and the other placeholders; any other item spec is the prompt's id, as it always was.
    /// </summary>
    private static PromptInput ToPromptInput(ITaskItem item, string baseDirectory, SourceLocation taskLocation, List<InputError> errors)
    {
        var metadata = item.CloneCustomMetadata();
        var options = OptionValues.FromMetadata(
            metadata.Keys.Cast<string>().Select(name => new KeyValuePair<string, string>(name, (string)metadata[name]!)),
            taskLocation,
            errors);
        var id = item.GetMetadata("Id") is { Length: > 0 } given ? given : null;
        return File.Exists(Path.GetFullPath(item.ItemSpec, baseDirectory))
            ? new PromptInput(item.GetMetadata("Prompt"), id, options, taskLocation) { File = item.ItemSpec }
            : new PromptInput(item.GetMetadata("Prompt"), id ?? item.ItemSpec, options, taskLocation);
    }

    private void LogPlan(RunRequest request)
    {
        var plan = ClaudeRunnerEngine.Plan(request);
        foreach (var warning in plan.Warnings)
        {
            Log.LogCodedWarning(ErrorCodes.InputWarning, warning.Location ?? new SourceLocation(string.Empty), warning.Message);
        }

        foreach (var planned in plan.Prompts)
        {
            Log.LogMessage(MessageImportance.High, "{0}", planned.Description);
        }

        Log.LogMessage(MessageImportance.High, "{0}", plan.Headline);
    }

    private void Run(RunRequest request)
    {
        // Prompts run for minutes to hours out of process: the node may build other projects meanwhile (as ToolTask does).
        BuildEngine3.Yield();
        RunSummary summary;
        try
        {
            // Execute is synchronous by contract; the engine does not block a thread per child. SIGTERM to `dotnet build`
            // never reaches Cancel(): the host's signal handling stops the children and holds the process until the summary is written.
            summary = RunHost.RunAsync(request, new BuildLogObserver(Log), terminateAfterStop: true, _cancellation.Token).GetAwaiter().GetResult();
        }
        finally
        {
            BuildEngine3.Reacquire();
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
        ["File"] = result.File ?? string.Empty,
        ["Patch"] = result.Changes?.PatchFile ?? string.Empty,
        ["ChangedFiles"] = result.Changes is { } changes ? string.Join(";", changes.Files.Select(file => file.Path)) : string.Empty,
        ["ChangesApplied"] = result.Changes is { Applied: true } ? "true" : "false",
        ["PeakMemoryMB"] = result.Resources?.PeakMemoryMB.ToString("0.0", CultureInfo.InvariantCulture) ?? string.Empty,
        ["CpuSeconds"] = result.Resources?.CpuSeconds.ToString("0.000", CultureInfo.InvariantCulture) ?? string.Empty,
        // "Output" itself is reserved: MSBuild refuses metadata named like its XML elements (MSB4028).
        ["StructuredOutput"] = result.Output?.GetRawText() ?? string.Empty,
        ["OutputFile"] = result.OutputFile ?? string.Empty,
        ["Findings"] = result.Findings.Count.ToString(CultureInfo.InvariantCulture),
    });
}
