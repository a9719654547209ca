using Spectre.Console;

namespace ClaudeRunner.Cli;

/// <summary>How a run shows its progress.</summary>
internal enum Display
{
    /// <summary>Time-stamped lines (CI, pipes).</summary>
    Plain,

    /// <summary>A display redrawn in place, then a table (a terminal).</summary>
    Live,

    /// <summary>Only the result and errors.</summary>
    Quiet,
}

/// <summary>
/// One run of the engine as the CLI shows it (through <see cref="RunHost"/>: termination signals cancel the run, the
/// engine stops the children and writes the reports), and the exit code that tells what happened.
/// </summary>
internal sealed class RunSession(RunRequest request, Display display, TextWriter stdout, TextWriter stderr)
{
    public async Task<int> RunAsync()
    {
        var summary = display == Display.Live ? await RunLiveAsync() : await RunPlainAsync();
        await WriteFindingsAsync(summary);
        // Built by the engine from masked text; written as they are (neutralising them would stop the CI reading them).
        foreach (var line in summary.Ci.Annotations.Concat(summary.Ci.RunMessages))
        {
            await stdout.WriteLineAsync(line);
        }

        if (summary.StoppedBy is { } signal)
        {
            await stderr.WriteLineAsync($"claude-runner: stopped by {signal}; running prompts were stopped and the summary written to {summary.SummaryFile}.");
            return ExitCodes.ForSignal(signal);
        }

        return summary.AllSucceeded ? ExitCodes.AllSucceeded : ExitCodes.SomeFailed;
    }

    /// <summary>
    /// Each finding on stderr in the canonical <c>file(line,col): warning CODE: message</c> form that problem matchers
    /// turn into annotations, then the counts by severity on stdout.
    /// </summary>
    private async Task WriteFindingsAsync(RunSummary summary)
    {
        foreach (var result in summary.Results)
        {
            foreach (var finding in result.Findings)
            {
                await stderr.WriteLineAsync(ConsoleText.Neutralise(finding.DiagnosticLine(result.Location)));
            }
        }

        if (summary.FindingsLine is { } findings)
        {
            await stdout.WriteLineAsync(findings);
        }
    }

    private Task<RunSummary> RunLiveAsync()
    {
        var live = new LiveDisplay(AnsiConsole.Console);
        // Started before the display so that invalid input throws before anything is drawn.
        var run = RunHost.RunAsync(request, live, terminateAfterStop: false, CancellationToken.None);
        return live.ShowAsync(run);
    }

    private async Task<RunSummary> RunPlainAsync()
    {
        var summary = await RunHost.RunAsync(request, display == Display.Plain ? new PlainProgress(stdout) : null, terminateAfterStop: false, CancellationToken.None);
        await stdout.WriteLineAsync(summary.Headline);
        foreach (var failure in ResultText.Failures(summary))
        {
            await stdout.WriteLineAsync(ConsoleText.Neutralise(failure));
        }

        return summary;
    }
}
