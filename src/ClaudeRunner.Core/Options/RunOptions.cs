using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// Every option of a run, declared once. The prompts-file reader, MSBuild item metadata and task parameters, the
/// Cake settings and the CLI's options all read their values through this table; the JSON Schema, the MSBuild
/// targets, the Cake settings and the README are tested against it. Adding an option means adding a row here
/// (and its property on <see cref="PromptOptions"/> or <see cref="RunRequest"/>), then the surfaces the drift test names.
/// The MSBuild task's parameters and the Cake settings and setters are generated from this file's text
/// (ClaudeRunner.Options.Generator): a row's name and help text are string literals, its kind a <c>new XxxKind(…)</c>
/// or one of the fields below, and a literal <c>DefaultText</c> is a flag's initial value in those front ends.
/// </summary>
public static class RunOptions
{
    /// <summary>The permission modes claude accepts for <c>--permission-mode</c>.</summary>
    public static IReadOnlyList<string> PermissionModes { get; } = ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"];

    /// <summary>Where a prompt's claude works: <c>none</c>, the working directory itself; <c>worktree</c>, a fresh git worktree per attempt.</summary>
    public static IReadOnlyList<string> IsolationModes { get; } = [WorktreeIsolation.None, WorktreeIsolation.Worktree];

    /// <summary>The orders prompts may start in (<c>Order</c>).</summary>
    public static IReadOnlyList<string> PromptOrders { get; } = [InputOrder, LongestFirstOrder];

    /// <summary>Prompts start in input order.</summary>
    public const string InputOrder = "input";

    /// <summary>Prompts start longest first by their durations history.</summary>
    public const string LongestFirstOrder = "longest-first";

    private static readonly TextKind Text = new();
    private static readonly TextKind ExactText = new(keepsWhitespace: true);
    private static readonly DurationKind PositiveDuration = new(allowsZero: false);
    private static readonly DurationKind Duration = new(allowsZero: true);
    private static readonly FlagKind Flag = new();

    // What ClaudeCommand always passes: a second -p or another output format in "args" would make every outcome false.
    private static readonly ListKind ClaudeArguments = new(splitsEntries: false, ';') { Refused = ["-p", "--print", "--output-format", "--input-format", "--verbose", .. ClaudeCommand.SessionFlags] };

    /// <summary>What the run says to the CI it runs in (<c>CiOutput</c>): <c>auto</c> detects the CI from its variables, <c>none</c> says nothing, or one CI by name.</summary>
    public static IReadOnlyList<string> CiOutputs { get; } = [CiServices.Auto, CiServices.None, CiServices.GitHub, CiServices.Azure, CiServices.TeamCity];

    /// <summary>The severities at which findings fail a prompt (<c>FailOn</c>): <c>error</c> (the default), <c>warning</c>, or <c>never</c>.</summary>
    public static IReadOnlyList<string> FailOnSeverities { get; } = ["error", "warning", "never"];

    /// <summary>Every option, in the order help and documentation list them: per-prompt options first.</summary>
    public static IReadOnlyList<RunOption> All { get; } =
    [
        PerPrompt("WorkingDirectory", "workingDirectory", null, new PathKind(isDirectory: true), "The directory claude runs in; relative to the prompts file (or the project, the working directory).", o => o.WorkingDirectory, (o, v) => o with { WorkingDirectory = (string)v }) with { IsFrontEndParameter = false },
        PerPrompt("Model", "model", "--model", Text, "claude's --model, such as sonnet or opus.", o => o.Model, (o, v) => o with { Model = (string)v }) with { CliValueName = "M" },
        PerPrompt("PermissionMode", "permissionMode", "--permission-mode", new ChoiceKind(PermissionModes), "claude's --permission-mode; when set, --dangerously-skip-permissions is not passed.", o => o.PermissionMode, (o, v) => o with { PermissionMode = (string)v }) with { CliValueName = "M" },
        PerPrompt("AllowedTools", "allowedTools", "--allowed-tools", new ListKind(splitsEntries: true, ';', ','), "claude's --allowedTools: tools or patterns such as 'Bash(git diff:*)'.", o => o.AllowedTools, (o, v) => o with { AllowedTools = (IReadOnlyList<string>)v }) with { CliValueName = "X" },
        PerPrompt("DisallowedTools", "disallowedTools", "--disallowed-tools", new ListKind(splitsEntries: true, ';', ','), "claude's --disallowedTools.", o => o.DisallowedTools, (o, v) => o with { DisallowedTools = (IReadOnlyList<string>)v }) with { CliValueName = "X" },
        PerPrompt("MaxTurns", "maxTurns", "--max-turns", new WholeNumberKind(1), "claude's --max-turns.", o => o.MaxTurns, (o, v) => o with { MaxTurns = (int)v }) with { CliValueName = "N" },
        PerPrompt("MaxBudgetUsd", "maxBudgetUsd", "--max-budget-usd", new UsdKind(), "claude's --max-budget-usd: the most one attempt may cost, in US dollars.", o => o.MaxBudgetUsd, (o, v) => o with { MaxBudgetUsd = (decimal)v }) with { CliValueName = "N" },
        PerPrompt("AppendSystemPrompt", "appendSystemPrompt", "--append-system-prompt", ExactText, "claude's --append-system-prompt: text added to its system prompt.", o => o.AppendSystemPrompt, (o, v) => o with { AppendSystemPrompt = (string)v }) with { CliValueName = "TEXT" },
        PerPrompt("AdditionalArguments", "args", "--arg", ClaudeArguments, "Extra claude arguments, after the ones the options produce (CLI: one per --arg; write --arg=--flag for a value that starts with '-').", o => o.Args, (o, v) => o with { Args = (IReadOnlyList<string>)v }) with { CliValueName = "X" },
        PerPrompt("EnvironmentVariables", "env", "--env", new EnvironmentKind(), "Extra environment variables for claude (values of secret-looking names are masked everywhere).", o => o.Env, (o, v) => o with { Env = (IReadOnlyDictionary<string, string>)v }) with { CliValueName = "NAME=VALUE" },
        PerPrompt("Timeout", "timeout", "--timeout", PositiveDuration, "The wall-clock limit of one attempt.", o => o.Timeout, (o, v) => o with { Timeout = (TimeSpan)v }) with { CliValueName = "T", DefaultText = OptionText.FormatDuration(RunRequest.DefaultTimeout) },
        PerPrompt("Retries", "retries", "--retry", new WholeNumberKind(0), "Retries of a transient failure (rate limit, overload, server error, interruption).", o => o.Retries, (o, v) => o with { Retries = (int)v }) with { CliValueName = "N", CliAliases = ["--retries"], DefaultText = RunRequest.DefaultRetries.ToString(CultureInfo.InvariantCulture) },
        PerPrompt("Inputs", "inputs", "--input", new ListKind(splitsEntries: false, ';'), "Files whose content decides the prompt's result, as globs relative to its working directory ('!' excludes); with the prompt's text, options and claude's version they make its up-to-date key.", o => o.Inputs, (o, v) => o with { Inputs = (IReadOnlyList<string>)v }) with { CliValueName = "GLOB" },
        PerPrompt("Isolation", "isolation", "--isolation", new ChoiceKind(IsolationModes), "Where claude works: none (the working directory itself) or worktree (a fresh git worktree of the working directory's repository per attempt, its changes saved as <id>.patch beside the logs).", o => o.Isolation, (o, v) => o with { Isolation = (string)v }) with { CliValueName = "MODE", DefaultText = WorktreeIsolation.None },
        PerPrompt("ApplyChanges", "applyChanges", "--no-apply-changes", Flag, "With isolation worktree: when the run has finished, apply the patches of the prompts that succeeded to the main working tree, in input order (the CLI switch turns it off: patches only).", o => o.ApplyChanges, (o, v) => o with { ApplyChanges = (bool)v }) with { CliNegates = true, DefaultText = "true" },
        PerPrompt("OutputSchema", "outputSchema", "--output-schema", new SchemaKind(), "The JSON Schema claude's answer must follow (claude's --json-schema): the schema, or the path of a schema file; the answer is the prompt's Output.", o => o.OutputSchema, (o, v) => o with { OutputSchema = (string)v }) with { CliValueName = "SCHEMA" },
        PerPrompt("Findings", "findings", "--findings", Flag, "Ask claude for review findings (file, line, severity, message) with a built-in schema, and report each as a diagnostic at its file and line.", o => o.Findings, (o, v) => o with { Findings = (bool)v }) with { DefaultText = "false" },
        PerPrompt("FailOn", "failOn", "--fail-on", new ChoiceKind(FailOnSeverities), "The least severity of a finding that fails the prompt (FindingsReported): error, warning, or never.", o => o.FailOn, (o, v) => o with { FailOn = (string)v }) with { CliValueName = "SEVERITY", DefaultText = "error" },
        WholeRun("MaxParallel", "--max-parallel", new WholeNumberKind(1), "The most claude processes at once.", r => r.MaxParallel, (r, v) => r with { MaxParallel = (int)v }) with { CliValueName = "N", DefaultText = RunRequest.DefaultMaxParallel.ToString(CultureInfo.InvariantCulture) },
        WholeRun("MachineMaxParallel", "--machine-max-parallel", new WholeNumberKind(1), "The most claude processes of all runs of this user on this machine at once (MSBuild nodes, concurrent builds, CLI and Cake); the environment variable CLAUDE_RUNNER_MACHINE_MAX_PARALLEL wins where set.", r => r.MachineMaxParallel, (r, v) => r with { MachineMaxParallel = (int)v }) with { CliValueName = "N", DefaultText = "no machine-wide limit" },
        WholeRun("ClaudePath", "--claude", new PathKind(isDirectory: false), "The claude executable: a path, or a name looked up on PATH.", r => r.ClaudePath, (r, v) => r with { ClaudePath = (string)v }) with { CliValueName = "PATH", DefaultText = "claude" },
        WholeRun("DangerouslySkipPermissions", "--no-skip-permissions", Flag, "Pass --dangerously-skip-permissions to prompts that set no permission mode (the CLI switch turns it off).", r => r.DangerouslySkipPermissions, (r, v) => r with { DangerouslySkipPermissions = (bool)v }) with { CliNegates = true, DefaultText = "true" },
        WholeRun("RetryDelay", "--retry-delay", Duration, "The delay before the first retry; it doubles for each further one, with jitter.", r => r.RetryDelay, (r, v) => r with { RetryDelay = (TimeSpan)v }) with { CliValueName = "T", DefaultText = OptionText.FormatDuration(RunRequest.DefaultRetryDelay) },
        WholeRun("MaxRetryDelay", "--max-retry-delay", Duration, "The longest delay between two attempts; when only one of the two delays is given, the other gives way to it.", r => r.MaxRetryDelay, (r, v) => r with { MaxRetryDelay = (TimeSpan)v }) with { CliValueName = "T", DefaultText = OptionText.FormatDuration(RunRequest.DefaultMaxRetryDelay) },
        WholeRun("RetryTimeouts", "--retry-timeouts", Flag, "Retry a prompt that timed out like the other transient failures.", r => r.RetryTimeouts, (r, v) => r with { RetryTimeouts = (bool)v }) with { DefaultText = "false" },
        WholeRun("ResumeOnRetry", "--no-resume", Flag, "A retry continues the interrupted attempt's conversation (a fork of its claude session) instead of starting over and paying for every turn again (the CLI switch turns it off).", r => r.ResumeOnRetry, (r, v) => r with { ResumeOnRetry = (bool)v }) with { CliNegates = true, DefaultText = "true" },
        WholeRun("GracePeriod", "--grace-period", Duration, "How long claude gets to exit after SIGTERM (timeout, cancel) before its process tree is killed.", r => r.GracePeriod, (r, v) => r with { GracePeriod = (TimeSpan)v }) with { CliValueName = "T", DefaultText = OptionText.FormatDuration(new RunRequest().GracePeriod) },
        WholeRun("FailFast", "--fail-fast", Flag, "Start no new prompt after the first one that fails for good; running prompts finish.", r => r.FailFast, (r, v) => r with { FailFast = (bool)v }) with { DefaultText = "false" },
        WholeRun("AdaptiveConcurrency", "--no-adaptive", Flag, "Adapt the concurrency limit to the API: start at 4, lower on a 429/529 from claude (halve, later a tenth off), grow by one per success up to MaxParallel (the CLI switch turns it off).", r => r.AdaptiveConcurrency, (r, v) => r with { AdaptiveConcurrency = (bool)v }) with { CliNegates = true, DefaultText = "true" },
        WholeRun("HeartbeatInterval", "--heartbeat", Duration, "How often progress (3/10 done, 4 running, ETA 1m20s) is reported; 0 for never.", r => r.HeartbeatInterval, (r, v) => r with { HeartbeatInterval = (TimeSpan)v }) with { CliValueName = "T", DefaultText = OptionText.FormatDuration(new RunRequest().HeartbeatInterval) },
        WholeRun("LogDirectory", "--log-dir", new PathKind(isDirectory: true), "The directory of the per-prompt logs and the reports.", r => r.LogDirectory, (r, v) => r with { LogDirectory = (string)v }) with { CliValueName = "DIR", DefaultText = RunRequest.DefaultLogDirectory },
        WholeRun("MaxLogSizeMB", "--max-log-size-mb", new WholeNumberKind(1), "The most MiB of claude's output each prompt's .jsonl and .log get; the rest is still read and judged, not written, and a note in the file says where it was cut.", r => r.MaxLogSizeMB, (r, v) => r with { MaxLogSizeMB = (int)v }) with { CliValueName = "MB", DefaultText = RunRequest.DefaultMaxLogSizeMB.ToString(CultureInfo.InvariantCulture) },
        WholeRun("SummaryFile", "--summary", new PathKind(isDirectory: false), "The summary JSON file.", r => r.SummaryFile, (r, v) => r with { SummaryFile = (string)v }) with { CliValueName = "FILE", DefaultText = "summary.json in the log directory" },
        WholeRun("JUnitFile", "--junit", new PathKind(isDirectory: false), "The JUnit XML report.", r => r.JUnitFile, (r, v) => r with { JUnitFile = (string)v }) with { CliValueName = "FILE", DefaultText = "junit.xml in the log directory" },
        WholeRun("ReportFile", "--report", new PathKind(isDirectory: false), "The HTML report: totals, a timeline of every attempt and a sortable table of the prompts, in one self-contained file.", r => r.ReportFile, (r, v) => r with { ReportFile = (string)v }) with { CliValueName = "FILE", DefaultText = "report.html in the log directory" },
        WholeRun("SarifFile", "--sarif", new PathKind(isDirectory: false), "The SARIF 2.1.0 log of every finding of a run with reviews, for GitHub code scanning and SARIF viewers.", r => r.SarifFile, (r, v) => r with { SarifFile = (string)v }) with { CliValueName = "FILE", DefaultText = "findings.sarif beside the summary" },
        WholeRun("CacheDirectory", "--cache-dir", new PathKind(isDirectory: true), "Where successes are recorded by key, so an unchanged prompt is not run again; point it at a directory CI caches to share results between runs and agents.", r => r.CacheDirectory, (r, v) => r with { CacheDirectory = (string)v }) with { CliValueName = "DIR", DefaultText = "cache in the log directory" },
        WholeRun("Force", "--force", Flag, "Run every prompt, up to date or not, and record the new results.", r => r.Force, (r, v) => r with { Force = (bool)v }) with { DefaultText = "false" },
        WholeRun("Shard", "--shard", new ShardKind(), "Run only this CI job's share of the prompts: i/n (such as 2/4), auto (from GitLab's, Azure Pipelines', Buildkite's or CircleCI's parallel-job variables) or auto/n (n jobs, for a Kubernetes Indexed Job); every job cuts the set alike and names its reports with its shard.", r => r.Shard, (r, v) => r with { Shard = (string)v }) with { CliValueName = "I/N" },
        WholeRun("History", "--history", new ListKind(splitsEntries: false, ';'), "Earlier summary files, or directories of them, whose durations balance the shards and order prompts longest first; the cache's recorded successes fill in the rest.", r => r.History, (r, v) => r with { History = (IReadOnlyList<string>)v }) with { CliValueName = "FILE" },
        WholeRun("Order", "--order", new ChoiceKind(PromptOrders), "The order prompts start in: input, or longest-first by their durations history.", r => r.Order, (r, v) => r with { Order = (string)v }) with { CliValueName = "ORDER", DefaultText = "longest-first with history, else input" },
        WholeRun("CiOutput", "--ci-output", new ChoiceKind(CiOutputs), "What the run tells the CI it runs in: a step summary, annotations at failed prompts, test messages (see the README's CI output); auto detects GitHub Actions, Azure Pipelines or TeamCity from their variables, none turns it off, github, azure or teamcity choose one.", r => r.CiOutput, (r, v) => r with { CiOutput = (string)v }) with { CliValueName = "CI", DefaultText = CiServices.Auto },
        WholeRun("DryRun", "--dry-run", Flag, "Show each prompt's command, working directory, timeout and retries; start nothing.", r => r.DryRun, (r, v) => r with { DryRun = (bool)v }) with { DefaultText = "false" },
    ];

    /// <summary>The options a prompt may set, by prompts-file key.</summary>
    private static readonly Dictionary<string, RunOption> ByFileKey = All.Where(o => o.FileKey is not null).ToDictionary(o => o.FileKey!, StringComparer.Ordinal);

    /// <summary>The option of a prompts-file key (exact spelling), or null.</summary>
    public static RunOption? ForFileKey(string key) => ByFileKey.GetValueOrDefault(key);

    /// <summary>The option of an MSBuild metadata name (the prompts-file key in any case), or null.</summary>
    public static RunOption? ForMetadata(string name) =>
        All.FirstOrDefault(o => string.Equals(o.FileKey, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The option named <paramref name="name"/> (<see cref="RunOption.Name"/>), or null.</summary>
    public static RunOption? ForName(string name) => All.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));

    /// <summary>The prompts-file keys, in table order.</summary>
    public static IEnumerable<string> FileKeys => All.Where(o => o.FileKey is not null).Select(o => o.FileKey!);

    private static RunOption PerPrompt<T>(string name, string fileKey, string? cli, OptionKind kind, string help, Func<PromptOptions, T?> get, Func<PromptOptions, object, PromptOptions> set) =>
        new(name, fileKey, cli, kind, help, r => get(r.Defaults), (r, v) => r with { Defaults = set(r.Defaults, v) }, set);

    private static RunOption WholeRun<T>(string name, string cli, OptionKind kind, string help, Func<RunRequest, T?> get, Func<RunRequest, object, RunRequest> set) =>
        new(name, null, cli, kind, help, r => get(r), set);
}
