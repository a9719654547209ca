namespace ClaudeRunner;

/// <summary>
/// Azure Pipelines' logging commands: <c>##vso[task.logissue type=error;sourcepath=…;linenumber=…;code=CCRnnn;]message</c>
/// at each failed prompt and finding, <c>##[group]</c> in the log, and the Markdown summary written beside summary.json and
/// attached to the build with <c>##vso[task.uploadsummary]</c>. Escaped as Azure's task library does (azure-pipelines-task-lib,
/// taskcommand.ts): <c>%</c> as <c>%AZP25</c>, CR and LF; in properties also <c>;</c> and <c>]</c>.
/// </summary>
internal sealed class AzurePipelinesFormat : CiFormat
{
    public override string Name => "Azure Pipelines";

    public override string GroupStart(string title) => $"##[group]{EscapeData(title)}";

    public override string GroupEnd(string title) => "##[endgroup]";

    /// <summary>The task library's escaping of a command's message.</summary>
    public static string EscapeData(string text) => text.Replace("%", "%AZP25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>The task library's escaping of a property value.</summary>
    public static string EscapeProperty(string text) => EscapeData(text).Replace(";", "%3B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal);

    /// <summary>The logging command of one problem.</summary>
    public static string Annotation(CiProblem problem)
    {
        var properties = new List<string> { $"type={(problem.Severity == CiSeverity.Error ? "error" : "warning")}" };
        if (problem.File is { } file)
        {
            properties.Add($"sourcepath={EscapeProperty(file)}");
            if (problem.Line > 0)
            {
                properties.Add(FormattableString.Invariant($"linenumber={problem.Line}"));
            }

            if (problem.Column > 0)
            {
                properties.Add(FormattableString.Invariant($"columnnumber={problem.Column}"));
            }
        }

        properties.Add($"code={EscapeProperty(problem.Code)}");
        return $"##vso[task.logissue {string.Concat(properties.Select(p => p + ";"))}]{EscapeData($"{problem.Title}: {problem.Message}")}";
    }

    internal override CiCommands Publish(CiRun run, List<string> failures)
    {
        var annotations = run.Problems.Select(Annotation).ToList();
        try
        {
            // Azure's summaries have no documented limit; the same budget as GitHub's keeps a page readable (and always fits the headline).
            var markdown = OwnerOnlyFile.Utf8.GetBytes(run.Markdown.Render(MarkdownSummary.GitHubLimitBytes)!);
            OwnerOnlyFile.WriteAtomically(run.MarkdownFile, stream => stream.Write(markdown));
            return new CiCommands(annotations, [$"##vso[task.uploadsummary]{EscapeData(run.MarkdownFile)}"]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"The Azure Pipelines summary could not be written to '{run.MarkdownFile}': {ex.Message}");
            return new CiCommands(annotations, []);
        }
    }
}
