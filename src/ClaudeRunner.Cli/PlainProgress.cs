using System.Globalization;

namespace ClaudeRunner.Cli;

/// <summary>
/// Progress as plain time-stamped lines, for CI logs and pipes: one line per start, retry and finish,
/// and a heartbeat. Output of the prompts themselves stays in their logs.
/// </summary>
internal sealed class PlainProgress(TextWriter output) : IRunObserver
{
    // The reason is said once under the headline; each prompt's line only says it did not start.
    private bool _claudeNotFound;

    public void OnEvent(RunEvent runEvent)
    {
        if (runEvent is RunStarted { Warnings: var warnings } run)
        {
            _claudeNotFound = run.ClaudeNotFound is not null;
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
            ConcurrencyChanged or WaitingForMachineSlot => runEvent.ToString(),
            RunFinished finished => ResultText.Totals(finished.Summary),
            _ => null,
        };
        if (line is not null)
        {
            output.WriteLine($"[{runEvent.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {ConsoleText.Neutralise(line)}");
        }
    }
}
