using System.Globalization;
using Cake.Core.Diagnostics;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>Writes a run's events to Cake's log: progress at normal verbosity, commands at verbose, child output at diagnostic.</summary>
internal sealed class CakeLogObserver(ICakeLog log) : IRunObserver
{
    private bool _claudeNotFound;

    public void OnEvent(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted started:
                foreach (var warning in started.Warnings)
                {
                    Write(Verbosity.Minimal, LogLevel.Warning, warning.ToString());
                }

                Write(Verbosity.Normal, LogLevel.Information, $"Running {RunWording.Prompts(started)} with Claude, at most {started.MaxParallel} at once; logs in {started.LogDirectory}");
                if (started.ClaudeNotFound is { } reason)
                {
                    // One error for the run: the same advice once per prompt would bury it.
                    _claudeNotFound = true;
                    Write(Verbosity.Quiet, LogLevel.Error, RunWording.ClaudeNotFound(reason, started.Prompts.Count));
                }
                break;
            case PromptStarted started:
                Write(Verbosity.Normal, LogLevel.Information, $"[{started.Prompt.Id}] started{AttemptText(started.Attempt, started.MaxAttempts)}");
                Write(Verbosity.Verbose, LogLevel.Verbose, $"[{started.Prompt.Id}] {started.CommandLine}");
                break;
            case PromptRetrying retrying:
                Write(Verbosity.Minimal, LogLevel.Warning, $"[{retrying.Prompt.Id}] {retrying.Reason}: {retrying.Message}; attempt {retrying.NextAttempt}/{retrying.MaxAttempts} in {OptionText.FormatDuration(retrying.Delay)}");
                break;
            case ConcurrencyChanged or WaitingForMachineSlot or PromptChangesPending:
                Write(Verbosity.Normal, LogLevel.Information, runEvent.ToString());
                break;
            case PromptOutput output:
                Write(Verbosity.Diagnostic, LogLevel.Debug, $"[{output.Prompt.Id}] {output.Text}");
                break;
            case PromptFinished { Result: var result }:
                foreach (var finding in result.Findings)
                {
                    // The canonical file(line,col): warning CODE: message form, which problem matchers turn into annotations.
                    var (verbosity, level) = finding.BuildSeverity switch
                    {
                        FindingSeverity.Error => (Verbosity.Quiet, LogLevel.Error),
                        FindingSeverity.Warning => (Verbosity.Minimal, LogLevel.Warning),
                        _ => (Verbosity.Normal, LogLevel.Information),
                    };
                    Write(verbosity, level, finding.DiagnosticLine(result.Location));
                }

                if (result.Outcome == Outcome.UpToDate)
                {
                    Write(Verbosity.Normal, LogLevel.Information, RunWording.UpToDate(result));
                }
                else if (result.Succeeded)
                {
                    Write(Verbosity.Normal, LogLevel.Information, $"[{result.Id}] succeeded in {OptionText.FormatDuration(result.Duration)}{CostText(result.CostUsd)}{RunWording.Resources(result)}");
                }
                else if (_claudeNotFound)
                {
                    Write(Verbosity.Normal, LogLevel.Information, RunWording.NotStartedWithoutClaude(result));
                }
                else
                {
                    Write(Verbosity.Quiet, LogLevel.Error, $"[{result.Id}] {result.Outcome}: {result.Message}{(result.LogFile is null ? string.Empty : $" (log: {result.LogFile})")}");
                }

                break;
            case Heartbeat heartbeat:
                Write(Verbosity.Normal, LogLevel.Information, heartbeat.ToString());
                break;
            case RunFinished { Summary: var summary }:
                Write(Verbosity.Normal, LogLevel.Information, $"{summary.Headline} in {OptionText.FormatDuration(summary.Duration)}{CostText(summary.TotalCostUsd)}; summary: {summary.SummaryFile}, report: {summary.ReportFile}");
                if (summary.FindingsLine is { } findings)
                {
                    Write(Verbosity.Normal, LogLevel.Information, findings);
                }

                foreach (var failure in summary.ReportFailures)
                {
                    Write(Verbosity.Quiet, LogLevel.Warning, failure);
                }

                // Built by the engine from masked text, and written as they are: neutralised, the CI would not read them.
                foreach (var line in summary.Ci.Annotations.Concat(summary.Ci.RunMessages))
                {
                    log.Write(Verbosity.Quiet, LogLevel.Information, "{0}", line);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Logs one line of text. Cake formats its messages, so text with braces must be an argument, never the format.</summary>
    // Every line may carry text from claude: neutralised once here (escape sequences, CI commands).
    internal static void Write(ICakeLog log, Verbosity verbosity, LogLevel level, string text) => log.Write(verbosity, level, "{0}", ConsoleText.Neutralise(text));

    private static string AttemptText(int attempt, int maxAttempts) => attempt == 1 ? string.Empty : $" (attempt {attempt}/{maxAttempts})";

    private static string CostText(decimal costUsd) => costUsd == 0 ? string.Empty : $", {RunWording.Cost(costUsd)}";

    private void Write(Verbosity verbosity, LogLevel level, string text) => Write(log, verbosity, level, text);
}
