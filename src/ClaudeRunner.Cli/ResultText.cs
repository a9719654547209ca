using System.Globalization;

namespace ClaudeRunner.Cli;

/// <summary>How results read in every kind of output, so the plain lines, the live display and the final table agree.</summary>
internal static class ResultText
{
    public static string ExitCode(PromptResult result) =>
        result.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "-";

    /// <summary>"review-calculator finished with exit code 0 (Succeeded, 8.1s, $0.0123)", and the reason when it failed.</summary>
    public static string Finished(PromptResult result)
    {
        if (result.Outcome == Outcome.UpToDate)
        {
            return RunWording.UpToDate(result);
        }

        var exit = result.ExitCode is { } code ? $"with exit code {code.ToString(CultureInfo.InvariantCulture)}" : "without an exit code";
        var line = $"{result.Id} finished {exit} ({result.Outcome}, {OptionText.FormatDuration(result.Duration)}, {RunWording.Cost(result.CostUsd)}{RunWording.Resources(result)})";
        return result.Succeeded ? line : $"{line}: {result.Message}";
    }

    /// <summary>The lines under the headline: one per failed prompt, or the one reason no prompt could start.</summary>
    public static IEnumerable<string> Failures(RunSummary summary) =>
        summary.ClaudeNotFound is { } reason
            ? [$"  {RunWording.ClaudeNotFound(reason, summary.Results.Count)}"]
            : summary.Failures.Select(Failure);

    /// <summary>One line per failed prompt under the headline: what happened and where to look.</summary>
    private static string Failure(PromptResult result) =>
        result.LogFile is { } log
            ? $"  {result.Id}: {result.Outcome}: {result.Message} (log: {log})"
            : $"  {result.Id}: {result.Outcome}: {result.Message}";

    /// <summary>"finished in 1m20s, cost $0.1234; summary: …/summary.json, JUnit: …/junit.xml, report: …/report.html", then a line per report that could not be written.</summary>
    public static string Totals(RunSummary summary) =>
        string.Join(
            Environment.NewLine,
            summary.ReportFailures.Prepend($"finished in {OptionText.FormatDuration(summary.Duration)}, cost {RunWording.Cost(summary.TotalCostUsd)}; summary: {summary.SummaryFile}, JUnit: {summary.JUnitFile}, report: {summary.ReportFile}"));
}
