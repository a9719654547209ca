using System.Globalization;

namespace ClaudeRunner;

/// <summary>The words every front end uses for counts and money, so MSBuild, Cake and the CLI say the same.</summary>
public static class RunWording
{
    /// <summary>"1 prompt", "3 prompts".</summary>
    public static string Prompts(int count) => count == 1 ? "1 prompt" : string.Create(CultureInfo.InvariantCulture, $"{count} prompts");

    /// <summary>What a run takes, for its first line: "3 prompts", or in a shard "3 of 7 prompts (shard 2/3)".</summary>
    public static string Prompts(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        return started.Shard is { } shard
            ? string.Create(CultureInfo.InvariantCulture, $"{started.Prompts.Count} of {Prompts(started.SetCount)} (shard {shard})")
            : Prompts(started.Prompts.Count);
    }

    /// <summary>"$0.50", "$0.0123": cents at least, tenths of a cent where claude reports them.</summary>
    public static string Cost(decimal usd) => string.Create(CultureInfo.InvariantCulture, $"${usd:0.00##}");

    /// <summary>"review--src-auth-cs up to date (succeeded 2026-11-30 14:02)": the one line for a prompt that did not run again.</summary>
    public static string UpToDate(PromptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result.Id} up to date ({result.UpToDateWith?.When ?? "recorded success"})";
    }

    /// <summary>", peak memory 123.4 MB, CPU 1.230 s" for a prompt whose process trees were sampled; empty otherwise.</summary>
    public static string Resources(PromptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Resources is { } resources ? $", {resources}" : string.Empty;
    }

    /// <summary>The one error of a run whose claude was not found: the reason with install advice, and that no prompt ran.</summary>
    public static string ClaudeNotFound(string reason, int prompts) =>
        $"{reason} No prompt ran: {(prompts == 1 ? "the prompt is" : $"all {prompts} prompts are")} LaunchFailed.";

    /// <summary>"review LaunchFailed: not started, claude was not found": a prompt's line when the run's one error says why.</summary>
    public static string NotStartedWithoutClaude(PromptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result.Id} {result.Outcome}: not started, claude was not found";
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
