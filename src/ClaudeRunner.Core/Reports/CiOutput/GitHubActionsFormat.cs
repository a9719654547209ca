using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// GitHub Actions' workflow commands: <c>::error file=…,line=…,title=…::message</c> at each failed prompt, <c>::group::</c>
/// in the log, and the Markdown summary appended to the file <c>GITHUB_STEP_SUMMARY</c> names. Escaped as the Actions
/// toolkit does (<c>@actions/core</c>, command.ts): in data <c>%</c>, CR and LF; in properties also <c>:</c> and <c>,</c>.
/// </summary>
internal sealed class GitHubActionsFormat(Func<string, string?> environment) : CiFormat
{
    public override string Name => "GitHub Actions";

    public override string GroupStart(string title) => $"::group::{EscapeData(title)}";

    public override string GroupEnd(string title) => "::endgroup::";

    /// <summary>The toolkit's <c>escapeData</c>.</summary>
    public static string EscapeData(string text) => text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>The toolkit's <c>escapeProperty</c>.</summary>
    public static string EscapeProperty(string text) => EscapeData(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>
    /// The workflow command of one problem. Review findings are left out: the CLI and Cake print them in the
    /// <c>file(line,col): warning CODE: message [project]</c> form that setup-dotnet's problem matcher turns into annotations.
    /// </summary>
    public string Annotation(CiProblem problem)
    {
        var properties = new List<string>();
        if (problem.File is { } file)
        {
            properties.Add($"file={EscapeProperty(WorkspaceRelative(file))}");
            if (problem.Line > 0)
            {
                properties.Add(string.Create(CultureInfo.InvariantCulture, $"line={problem.Line}"));
            }

            if (problem.Column > 0)
            {
                properties.Add(string.Create(CultureInfo.InvariantCulture, $"col={problem.Column}"));
            }
        }

        properties.Add($"title={EscapeProperty($"{problem.Title} ({problem.Code})")}");
        var command = problem.Severity == CiSeverity.Error ? "error" : "warning";
        return $"::{command} {string.Join(',', properties)}::{EscapeData(problem.Message)}";
    }

    internal override CiCommands Publish(CiRun run, List<string> failures)
    {
        if (environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } summaryFile)
        {
            try
            {
                var existing = File.Exists(summaryFile) ? new FileInfo(summaryFile).Length : 0;
                var budget = (int)Math.Max(0, MarkdownSummary.GitHubLimitBytes - existing);
                var markdown = run.Markdown.Render(budget) ?? throw new IOException($"It holds {existing} bytes already: the table would take it over GitHub's 1 MiB limit.");
                OwnerOnlyFile.AppendToCiFile(summaryFile, markdown);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"The GitHub step summary could not be appended to '{summaryFile}': {ex.Message}");
            }
        }

        return new CiCommands([.. run.Problems.Where(p => !p.IsFinding).Select(Annotation)], []);
    }

    /// <summary>A path relative to the workspace when it is under it (GitHub annotates repository files), else as it is.</summary>
    private string WorkspaceRelative(string path)
    {
        if (environment("GITHUB_WORKSPACE") is not { Length: > 0 } workspace)
        {
            return path;
        }

        var relative = Path.GetRelativePath(Path.GetFullPath(workspace), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }
}
