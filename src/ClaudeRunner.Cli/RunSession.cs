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
/// One run of the engine as the CLI shows it: termination signals cancel the run, the engine stops the
/// children and writes the reports, and the exit code tells what happened.
/// </summary>
internal sealed class RunSession(RunRequest request, Display display, TextWriter stdout, TextWriter stderr)
{
    // How long the signal handler lets the run stop before the runtime's default action; the engine's
    // grace period plus the kill is far shorter.
    private static readonly TimeSpan StopLimit = TimeSpan.FromMinutes(1);

    public async Task<int> RunAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var signals = TerminationSignals.Register(cancellation, terminateAfterStop: false, StopLimit);
        var summary = display == Display.Live ? await RunLiveAsync(cancellation.Token) : await RunPlainAsync(cancellation.Token);
        signals.RunStopped();
        if (signals.Received is { } signal)
        {
            await stderr.WriteLineAsync($"claude-runner: stopped by {signal}; running prompts were stopped and the summary written to {summary.SummaryFile}.");
            return ExitCodes.ForSignal(signal);
        }

        return summary.AllSucceeded ? ExitCodes.AllSucceeded : ExitCodes.SomeFailed;
    }

    private Task<RunSummary> RunLiveAsync(CancellationToken cancellation)
    {
        var live = new LiveDisplay(AnsiConsole.Console);
        // Started before the display so that invalid input throws before anything is drawn.
        var run = ClaudeRunnerEngine.RunAsync(request, live, cancellation);
        return live.ShowAsync(run);
    }

    private async Task<RunSummary> RunPlainAsync(CancellationToken cancellation)
    {
        var summary = await ClaudeRunnerEngine.RunAsync(request, display == Display.Plain ? new PlainProgress(stdout) : null, cancellation);
        await stdout.WriteLineAsync(summary.Headline);
        foreach (var failure in summary.Failures)
        {
            await stdout.WriteLineAsync(ResultText.Failure(failure));
        }

        return summary;
    }
}
