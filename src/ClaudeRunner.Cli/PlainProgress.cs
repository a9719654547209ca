using System.Globalization;

namespace ClaudeRunner.Cli;

/// <summary>
/// Progress as plain time-stamped lines, for CI logs and pipes: one line per start, retry and finish,
/// and a heartbeat. Output of the prompts themselves stays in their logs; in a CI (README "CI output") each finish line
/// opens a collapsed group of the CI's log with the prompt's answer and, when it failed, claude's last stderr lines.
/// </summary>
internal sealed class PlainProgress(TextWriter output) : IRunObserver
{
    // The reason is said once under the headline; each prompt's line only says it did not start.
    private bool _claudeNotFound;
    private CiFormat? _ci;

    public void OnEvent(RunEvent runEvent)
    {
        if (runEvent is RunStarted { Warnings: var warnings } run)
        {
            _claudeNotFound = run.ClaudeNotFound is not null;
            _ci = run.Ci;
            foreach (var warning in warnings)
            {
                output.WriteLine($"[{runEvent.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] warning: {warning}");
            }
        }

        var line = runEvent switch
        {
            RunStarted started => $"running {RunWording.Prompts(started)}, at most {started.MaxParallel} at once; logs in {started.LogDirectory}",
            PromptStarted started => $"started {started.Prompt.Id} (attempt {started.Attempt}/{started.MaxAttempts})",
            PromptRetrying retrying => $"{retrying.Prompt.Id} retrying in {OptionText.FormatDuration(retrying.Delay)} (attempt {retrying.NextAttempt}/{retrying.MaxAttempts}) after {retrying.Reason}: {retrying.Message}",
            PromptFinished finished when _claudeNotFound => RunWording.NotStartedWithoutClaude(finished.Result),
            PromptFinished finished => ResultText.Finished(finished.Result),
            Heartbeat heartbeat => heartbeat.ToString(),
            ConcurrencyChanged or WaitingForMachineSlot or PromptChangesPending => runEvent.ToString(),
            RunFinished finished => ResultText.Totals(finished.Summary),
            _ => null,
        };
        if (line is null)
        {
            return;
        }

        if (runEvent is PromptFinished { Result: var result } && _ci is { } ci)
        {
            var title = $"{result.Id} — {result.Outcome}";
            output.WriteLine(ci.GroupStart(title));
            WriteLine(runEvent, line);
            foreach (var text in new[] { result.ResultText, result.Succeeded ? null : result.History.LastOrDefault()?.StderrTail }.Where(t => !string.IsNullOrWhiteSpace(t)))
            {
                output.WriteLine(ConsoleText.Neutralise(text!.TrimEnd()));
            }

            output.WriteLine(ci.GroupEnd(title));
            return;
        }

        WriteLine(runEvent, line);
    }

    private void WriteLine(RunEvent runEvent, string line) =>
        output.WriteLine($"[{runEvent.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {ConsoleText.Neutralise(line)}");
}
