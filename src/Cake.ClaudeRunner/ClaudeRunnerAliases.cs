using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>
/// Runs many Claude Code prompts (<c>claude -p</c>) in parallel, at most <see cref="ClaudeRunnerSettings.MaxParallel"/>
/// at once, with timeouts and retries, and fails the task when any prompt fails. Each prompt gets a readable log and a
/// raw stream log; the run writes <c>summary.json</c> and a JUnit report (by default in <c>claude-logs</c>).
/// </summary>
[CakeAliasCategory("Claude")]
[CakeNamespaceImport("Cake.ClaudeRunner")]
[CakeNamespaceImport("ClaudeRunner")]
public static class ClaudeRunnerAliases
{
    /// <summary>Runs every prompt of a prompts file with the default settings.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="promptsFile">The prompts file (<c>{"prompts": [...]}</c>); relative to Cake's working directory.</param>
    /// <returns>The run's summary: one result per prompt (outcome, duration, cost, tokens, log files) and totals.</returns>
    /// <exception cref="CakeException">A prompt failed (every failed prompt is named), the run was cancelled, or the prompts file is invalid.</exception>
    /// <example>
    /// <code>
    /// Task("Claude")
    ///     .Does(() =>
    /// {
    ///     var summary = RunClaudeParallel("prompts.json");
    ///     Information("{0}, ${1}", summary.Headline, summary.TotalCostUsd);
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary RunClaudeParallel(this ICakeContext context, FilePath promptsFile) =>
        RunClaudeParallel(context, promptsFile, new ClaudeRunnerSettings());

    /// <summary>Runs every prompt of a prompts file.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="promptsFile">The prompts file (<c>{"prompts": [...]}</c>); relative to Cake's working directory.</param>
    /// <param name="settings">How to run them.</param>
    /// <returns>The run's summary: one result per prompt (outcome, duration, cost, tokens, log files) and totals.</returns>
    /// <exception cref="CakeException">A prompt failed (every failed prompt is named), the run was cancelled, or the prompts file is invalid.</exception>
    /// <example>
    /// <code>
    /// Task("Claude")
    ///     .Does(() =>
    /// {
    ///     RunClaudeParallel("prompts.json", new ClaudeRunnerSettings
    ///     {
    ///         MaxParallel = 4,
    ///         Model = "sonnet",
    ///         Timeout = TimeSpan.FromMinutes(20),
    ///         LogDirectory = "artifacts/claude-logs",
    ///     });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary RunClaudeParallel(this ICakeContext context, FilePath promptsFile, ClaudeRunnerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(promptsFile);
        ArgumentNullException.ThrowIfNull(context);
        return ClaudeRun.Execute(context, PromptSource.FromFile(promptsFile.MakeAbsolute(context.Environment).FullPath), settings);
    }

    /// <summary>Runs every prompt of a prompts file, with settings changed from the defaults by <paramref name="configure"/>.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="promptsFile">The prompts file (<c>{"prompts": [...]}</c>); relative to Cake's working directory.</param>
    /// <param name="configure">Changes the settings.</param>
    /// <returns>The run's summary: one result per prompt (outcome, duration, cost, tokens, log files) and totals.</returns>
    /// <exception cref="CakeException">A prompt failed (every failed prompt is named), the run was cancelled, or the prompts file is invalid.</exception>
    /// <example>
    /// <code>
    /// Task("Claude")
    ///     .Does(() =>
    /// {
    ///     RunClaudeParallel("prompts.json", settings => settings
    ///         .WithMaxParallel(2)
    ///         .WithAllowedTools("Read", "Edit")
    ///         .WithRetries(3)
    ///         .WithFailFast());
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary RunClaudeParallel(this ICakeContext context, FilePath promptsFile, Action<ClaudeRunnerSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new ClaudeRunnerSettings();
        configure(settings);
        return RunClaudeParallel(context, promptsFile, settings);
    }

    /// <summary>Runs the given prompt texts; each gets an id derived from its text.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="prompts">The prompt texts.</param>
    /// <param name="settings">How to run them.</param>
    /// <returns>The run's summary: one result per prompt (outcome, duration, cost, tokens, log files) and totals.</returns>
    /// <exception cref="CakeException">A prompt failed (every failed prompt is named), the run was cancelled, or a prompt is invalid (e.g. empty).</exception>
    /// <example>
    /// <code>
    /// Task("Review")
    ///     .Does(() =>
    /// {
    ///     var files = GetFiles("src/**/*.cs").Select(file => file.FullPath);
    ///     RunClaudeParallel(
    ///         files.Select(file => $"Review {file} for thread-safety bugs; reply with a list."),
    ///         new ClaudeRunnerSettings { MaxParallel = 3, PermissionMode = "plan" });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary RunClaudeParallel(this ICakeContext context, IEnumerable<string> prompts, ClaudeRunnerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return ClaudeRun.Execute(context, PromptSource.FromPrompts(prompts), settings);
    }

    /// <summary>
    /// Runs one prompt per file: <paramref name="prompt"/> gives each file's text. Each prompt runs in Cake's working
    /// directory; its id comes from the file's path, which the summary and the JUnit report keep.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="files">The files, such as <c>GetFiles("src/**/*.cs")</c>; relative paths resolve against Cake's working directory.</param>
    /// <param name="prompt">The prompt for a file, given its path relative to Cake's working directory.</param>
    /// <param name="settings">How to run them.</param>
    /// <returns>The run's summary: one result per file, in path order.</returns>
    /// <exception cref="CakeException">A prompt failed (every failed prompt is named), the run was cancelled, or the input is invalid.</exception>
    /// <example>
    /// <code>
    /// Task("Tests")
    ///     .Does(() =>
    /// {
    ///     RunClaudeParallel(
    ///         GetFiles("src/**/*.cs"),
    ///         file => $"Write unit tests for {file} in tests/, following the existing style.",
    ///         new ClaudeRunnerSettings { MaxParallel = 3 });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary RunClaudeParallel(this ICakeContext context, IEnumerable<FilePath> files, Func<string, string> prompt, ClaudeRunnerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(prompt);
        var workingDirectory = context.Environment.WorkingDirectory;
        var relativePaths = files.Select(file => file.MakeAbsolute(workingDirectory)).Distinct().Select(file => workingDirectory.GetRelativePath(file).FullPath).Order(StringComparer.Ordinal);

        // The text is final: its braces are escaped so that the engine's placeholders never read it.
        return ClaudeRun.Execute(
            context,
            PromptSource.FromPrompts(relativePaths.Select(path => new PromptInput(prompt(path).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), PromptIds.ForPath(path)) { File = path })),
            settings);
    }

    /// <summary>
    /// Merges the summaries of a sharded run's CI jobs (the <c>summary.*-of-*.json</c> files in <paramref name="directory"/>
    /// and its subdirectories) into one <c>summary.json</c> and JUnit report of the whole set, in the default log directory.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="directory">Where the shards' summaries were downloaded; relative to Cake's working directory.</param>
    /// <returns>The whole set's summary.</returns>
    /// <exception cref="CakeException">A shard is missing or given twice, the shards disagree on the set, or a prompt failed.</exception>
    /// <example>
    /// <code>
    /// Task("Merge")
    ///     .Does(() =>
    /// {
    ///     var summary = MergeClaudeSummaries("shards");
    ///     Information("{0}", summary.Headline);
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary MergeClaudeSummaries(this ICakeContext context, DirectoryPath directory) =>
        MergeClaudeSummaries(context, directory, new ClaudeMergeSettings());

    /// <summary>Merges the summaries of a sharded run's CI jobs found in <paramref name="directory"/> and its subdirectories, writing the reports where <paramref name="settings"/> say.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="directory">Where the shards' summaries were downloaded; relative to Cake's working directory.</param>
    /// <param name="settings">Where the merged reports go.</param>
    /// <returns>The whole set's summary.</returns>
    /// <exception cref="CakeException">A shard is missing or given twice, the shards disagree on the set, or a prompt failed.</exception>
    /// <example>
    /// <code>
    /// Task("Merge")
    ///     .Does(() =>
    /// {
    ///     MergeClaudeSummaries("shards", new ClaudeMergeSettings { JUnitFile = "artifacts/claude.junit.xml" });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary MergeClaudeSummaries(this ICakeContext context, DirectoryPath directory, ClaudeMergeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(directory);
        return ClaudeMerge.Execute(context, [directory.MakeAbsolute(context.Environment)], settings);
    }

    /// <summary>Merges the given shard summary files into one summary and JUnit report of the whole set.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="summaryFiles">Every shard's summary file, such as <c>GetFiles("shards/**/summary.*-of-*.json")</c>.</param>
    /// <param name="settings">Where the merged reports go.</param>
    /// <returns>The whole set's summary.</returns>
    /// <exception cref="CakeException">A shard is missing or given twice, the shards disagree on the set, or a prompt failed.</exception>
    /// <example>
    /// <code>
    /// Task("Merge")
    ///     .Does(() =>
    /// {
    ///     MergeClaudeSummaries(GetFiles("shards/**/summary.*-of-*.json"), new ClaudeMergeSettings());
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunSummary MergeClaudeSummaries(this ICakeContext context, IEnumerable<FilePath> summaryFiles, ClaudeMergeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(summaryFiles);
        return ClaudeMerge.Execute(context, [.. summaryFiles.Select(file => file.MakeAbsolute(context.Environment))], settings);
    }
}
