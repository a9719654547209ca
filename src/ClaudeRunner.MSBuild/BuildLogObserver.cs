using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ClaudeRunner.MSBuild;

/// <summary>
/// Translates a run's events into MSBuild log entries: progress at high importance so CI logs show it
/// live, claude's own output at low importance, and one coded error per prompt that did not succeed.
/// Every text goes through a <c>{0}</c> argument: claude's output may contain braces, and it must never be
/// parsed as canonical <c>file(1,1): error X</c> text (which <c>LogMessageFromText</c> would do). Text from claude goes
/// through <see cref="ConsoleText.Neutralise"/>: the build log is a console and a CI log.
/// </summary>
internal sealed class BuildLogObserver(TaskLoggingHelper log) : IRunObserver
{
    private bool _claudeNotFound;

    public void OnEvent(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted started:
                foreach (var warning in started.Warnings)
                {
                    log.LogCodedWarning(ErrorCodes.InputWarning, warning.Location ?? new SourceLocation(string.Empty), warning.Message);
                }

                High("Running {0}, at most {1} at once; logs in {2}", RunWording.Prompts(started), started.MaxParallel, started.LogDirectory);
                if (started.ClaudeNotFound is { } reason)
                {
                    // One error for the run: the same advice once per prompt would bury it.
                    _claudeNotFound = true;
                    log.LogCodedError(ErrorCodes.For(Outcome.LaunchFailed), new SourceLocation(string.Empty), RunWording.ClaudeNotFound(reason, started.Prompts.Count));
                }
                break;
            case PromptStarted started:
                High("[{0}] started (attempt {1}/{2})", started.Prompt.Id, started.Attempt, started.MaxAttempts);
                log.LogMessage(MessageImportance.Normal, "[{0}] {1}", started.Prompt.Id, started.CommandLine);
                break;
            case PromptRetrying retrying:
                High("[{0}] {1}: {2} Attempt {3}/{4} in {5}.", retrying.Prompt.Id, retrying.Reason, ConsoleText.Neutralise(retrying.Message), retrying.NextAttempt, retrying.MaxAttempts, OptionText.FormatDuration(retrying.Delay));
                break;
            case PromptOutput output:
                log.LogMessage(MessageImportance.Low, "[{0}] {1}", output.Prompt.Id, ConsoleText.Neutralise(output.Text));
                break;
            case PromptFinished { Result: var result }:
                foreach (var finding in result.Findings)
                {
                    LogFinding(finding, result.Location);
                }

                Finished(result);
                break;
            case Heartbeat heartbeat:
                High("{0}", heartbeat);
                break;
            case ConcurrencyChanged or WaitingForMachineSlot or PromptChangesPending:
                High("{0}", runEvent);
                break;
            case RunFinished { Summary: var summary }:
                High("{0} in {1}, {2}. Summary: {3}, report: {4}", summary.Headline, OptionText.FormatDuration(summary.Duration), RunWording.Cost(summary.TotalCostUsd), summary.SummaryFile, summary.ReportFile);
                if (summary.FindingsLine is { } findings)
                {
                    High("{0}", findings);
                }

                foreach (var failure in summary.ReportFailures)
                {
                    log.LogWarning("{0}", failure);
                }

                // Not the annotations: the task's own file(line,col): error CCRnnn errors already become the CI's (README "CI output").
                foreach (var line in summary.Ci.RunMessages)
                {
                    High("{0}", line);
                }

                break;
        }
    }

    /// <summary>The error of a prompt that did not succeed, coded by its outcome, at its line in its prompts file.</summary>
    public static void LogFailure(TaskLoggingHelper log, PromptResult result) =>
        log.LogCodedError(
            ErrorCodes.For(result.Outcome),
            result.Location,
            $"Prompt '{result.Id}' {result.Outcome}: {ConsoleText.Neutralise(result.Message)}"
            + (result.Attempts == 0 ? string.Empty : $" ({result.Attempts} attempt(s), {OptionText.FormatDuration(result.Duration)}, {RunWording.Cost(result.CostUsd)})")
            + (result.LogFile is null ? string.Empty : $" Log: {result.LogFile}"));

    private void Finished(PromptResult result)
    {
        if (result.Outcome == Outcome.UpToDate)
        {
            High("{0}", RunWording.UpToDate(result));
        }
        else if (result.Succeeded)
        {
            High("[{0}] Succeeded in {1}, {2}{3}", result.Id, OptionText.FormatDuration(result.Duration), RunWording.Cost(result.CostUsd), RunWording.Resources(result));
        }
        else if (_claudeNotFound)
        {
            High("{0}", RunWording.NotStartedWithoutClaude(result));
        }
        else
        {
            LogFailure(log, result);
        }
    }

    /// <summary>
    /// A finding as the build shows it: an error, warning or message at its file and lines, which IDEs list and CI
    /// annotates; a refused location (outside the repository, no such file) is a message at the prompt instead.
    /// </summary>
    private void LogFinding(Finding finding, SourceLocation prompt)
    {
        var text = ConsoleText.Neutralise(finding.Text);
        if (finding.RefusedBecause is not null)
        {
            log.LogMessage(null, finding.DiagnosticCode, null, prompt.File, prompt.Line, prompt.Column, 0, 0, MessageImportance.High, "{0}", text);
            return;
        }

        var (line, column, endLine, endColumn) = (finding.Line, finding.Column ?? 0, finding.EndLine ?? 0, finding.EndColumn ?? 0);
        switch (finding.BuildSeverity)
        {
            case FindingSeverity.Error:
                log.LogError(null, finding.DiagnosticCode, null, finding.FullPath, line, column, endLine, endColumn, "{0}", text);
                break;
            case FindingSeverity.Warning:
                log.LogWarning(null, finding.DiagnosticCode, null, finding.FullPath, line, column, endLine, endColumn, "{0}", text);
                break;
            default:
                log.LogMessage(null, finding.DiagnosticCode, null, finding.FullPath, line, column, endLine, endColumn, MessageImportance.High, "{0}", text);
                break;
        }
    }

    private void High(string format, params object?[] args) => log.LogMessage(MessageImportance.High, format, args);
}
