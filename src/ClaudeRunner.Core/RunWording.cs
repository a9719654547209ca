using System.Globalization;

namespace ClaudeRunner;

/// <summary>The words every front end uses for counts and money, so MSBuild, Cake and the CLI say the same.</summary>
public static class RunWording
{
    /// <summary>"1 prompt", "3 prompts".</summary>
    public static string Prompts(int count) => count == 1 ? "1 prompt" : string.Create(CultureInfo.InvariantCulture, $"{count} prompts");

    /// <summary>"$0.50", "$0.0123": cents at least, tenths of a cent where claude reports them.</summary>
    public static string Cost(decimal usd) => string.Create(CultureInfo.InvariantCulture, $"${usd:0.00##}");

    /// <summary>"review--src-auth-cs up to date (succeeded 2026-11-30 14:02)": the one line for a prompt that did not run again.</summary>
    public static string UpToDate(PromptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result.Id} up to date ({result.UpToDateWith?.When ?? "recorded success"})";
    }

    /// <summary>"1 finding", "3 findings".</summary>
    public static string Findings(int count) => count == 1 ? "1 finding" : string.Create(CultureInfo.InvariantCulture, $"{count} findings");

    /// <summary>"2 errors, 1 warning, 0 notes": findings by the severity they are reported with.</summary>
    public static string FindingCounts(IEnumerable<Finding> findings)
    {
        var list = findings.ToList();
        string Count(FindingSeverity severity, string word)
        {
            var count = list.Count(f => f.ReportedSeverity == severity);
            return string.Create(CultureInfo.InvariantCulture, $"{count} {word}{(count == 1 ? string.Empty : "s")}");
        }

        return $"{Count(FindingSeverity.Error, "error")}, {Count(FindingSeverity.Warning, "warning")}, {Count(FindingSeverity.Note, "note")}";
    }
}
