namespace ClaudeRunner;

/// <summary>
/// What a run tells any CI, in one description every <see cref="CiFormat"/> renders in its own syntax: each prompt as a
/// test, the problems to annotate at their files, the Markdown summary. Every text in it is masked.
/// </summary>
/// <param name="Headline">"2 of 8 prompts failed".</param>
/// <param name="Failed">Whether any prompt failed.</param>
/// <param name="SuiteName">What the prompts are together, as a test suite: "claude-runner", or "claude-runner shard 2/4".</param>
/// <param name="Prompts">Every prompt, in input order.</param>
/// <param name="Problems">The failed prompts at their files (or one problem for a claude that was not found), then the review findings.</param>
/// <param name="Markdown">The summary table (<see cref="MarkdownSummary"/>), to be cut to a budget.</param>
/// <param name="MarkdownFile">Where a CI that uploads a summary file gets it: beside summary.json, as <c>.md</c>.</param>
internal sealed record CiRun(string Headline, bool Failed, string SuiteName, IReadOnlyList<CiPrompt> Prompts, IReadOnlyList<CiProblem> Problems, MarkdownSummary Markdown, string MarkdownFile)
{
    /// <summary>The description of <paramref name="summary"/>; <paramref name="prompts"/> are the plan's, in the same order as its results.</summary>
    public static CiRun From(RunSummary summary, IReadOnlyList<Prompt> prompts, SecretRedactor redactor, string baseDirectory)
    {
        var problems = new List<CiProblem>();
        if (summary.ClaudeNotFound is { } reason)
        {
            // One problem for the run, as every front end reports it.
            problems.Add(new CiProblem(CiSeverity.Error, Outcome.LaunchFailed.ErrorCode(), "claude was not found", redactor.Redact(RunWording.ClaudeNotFound(reason, summary.Results.Count)), null, 0, 0, IsFinding: false));
        }
        else
        {
            problems.AddRange(summary.Results.Zip(prompts).Where(pair => !pair.First.Succeeded).Select(pair => Failure(pair.First, pair.Second, redactor, baseDirectory)));
        }

        problems.AddRange(summary.Results.SelectMany(result => result.Findings).Where(f => f.RefusedBecause is null && f.BuildSeverity != FindingSeverity.Note).Select(f => new CiProblem(
            f.BuildSeverity == FindingSeverity.Error ? CiSeverity.Error : CiSeverity.Warning, f.DiagnosticCode, $"{f.PromptId}: {f.DiagnosticCode}", redactor.Redact(f.Message), f.FullPath, f.Line, f.Column ?? 0, IsFinding: true)));

        var tests = summary.Results.Select(result => new CiPrompt(
            result.Id,
            result.Outcome,
            result.NeverStarted,
            (long)result.Duration.TotalMilliseconds,
            redactor.Redact($"{result.Outcome}: {result.Message}"),
            redactor.Redact(Details(result)))).ToList();
        var suite = summary.Shard is { } shard ? $"claude-runner shard {shard}" : "claude-runner";
        var markdownFile = Path.ChangeExtension(summary.SummaryFile ?? Path.Combine(baseDirectory, "summary.json"), ".md");
        return new CiRun(summary.Headline, !summary.AllSucceeded, suite, tests, problems, new MarkdownSummary(summary, redactor), markdownFile);
    }

    /// <summary>A failed prompt's problem: at the file a per-file prompt is about, else at the prompt in its prompts file.</summary>
    private static CiProblem Failure(PromptResult result, Prompt prompt, SecretRedactor redactor, string baseDirectory)
    {
        var (file, line, column) = prompt.File is { } target
            ? (target.FullPath, 0, 0)
            : (PromptsFile(result.Location.File, baseDirectory), result.Location.Line, result.Location.Column);
        var message = redactor.Redact($"{result.Message}{(result.LogFile is null ? string.Empty : $" (log: {result.LogFile})")}");
        return new CiProblem(CiSeverity.Error, result.Outcome.ErrorCode(), $"{result.Id}: {result.Outcome}", message, file, line, column, IsFinding: false);
    }

    // A location such as "<stdin>" or "--prompt" names no file a CI could show.
    private static string? PromptsFile(string location, string baseDirectory)
    {
        if (location.Length == 0 || location.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return null;
        }

        var full = Path.GetFullPath(location, baseDirectory);
        return File.Exists(full) ? full : null;
    }

    /// <summary>What a failed test shows besides its message: the last attempt's stderr tail and the log.</summary>
    private static string Details(PromptResult result) =>
        string.Join('\n', new[] { result.History.Count > 0 ? result.History[^1].StderrTail.TrimEnd() : null, result.LogFile is null ? null : $"log: {result.LogFile}" }.Where(part => !string.IsNullOrEmpty(part)));
}

/// <summary>How bad a <see cref="CiProblem"/> is.</summary>
internal enum CiSeverity
{
    /// <summary>An error annotation.</summary>
    Error,

    /// <summary>A warning annotation.</summary>
    Warning,
}

/// <summary>One prompt as a CI test.</summary>
/// <param name="Id">The prompt's id: the test's name.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="NeverStarted">Whether it never started (a cancelled or failed-fast run): an ignored test.</param>
/// <param name="DurationMs">From its first start to its last end.</param>
/// <param name="Message">"Failed: why".</param>
/// <param name="Details">The last attempt's stderr tail and the log file.</param>
internal sealed record CiPrompt(string Id, Outcome Outcome, bool NeverStarted, long DurationMs, string Message, string Details);

/// <summary>Something to annotate: a failed prompt, or a review finding.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Code">The CCR code.</param>
/// <param name="Title">"review: Failed".</param>
/// <param name="Message">Why.</param>
/// <param name="File">The absolute path of the file to annotate; null when there is none.</param>
/// <param name="Line">1-based line; 0 when unknown.</param>
/// <param name="Column">1-based column; 0 when unknown.</param>
/// <param name="IsFinding">Whether it is a review finding, which the CLI and Cake already print in the form problem matchers read.</param>
internal sealed record CiProblem(CiSeverity Severity, string Code, string Title, string Message, string? File, int Line, int Column, bool IsFinding);
