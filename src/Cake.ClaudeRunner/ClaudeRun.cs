using Cake.Core;
using Cake.Core.Diagnostics;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>One call of the alias: settings into a request, the engine's run (or plan), and the result into Cake's conventions.</summary>
internal static class ClaudeRun
{
    // Beyond the grace period: long enough for the engine to kill claude's tree and write the reports.
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(25);

    public static RunSummary Execute(ICakeContext context, PromptSource source, ClaudeRunnerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var request = settings.ToRunRequest(source, context.Environment);
        try
        {
            return settings.DryRun ? DryRun(context.Log, request) : Run(context.Log, request);
        }
        catch (InvalidInputException ex)
        {
            throw new CakeException($"The Claude prompts are invalid; nothing ran:{Environment.NewLine}{ex.Message}", ex);
        }
    }

    private static RunSummary DryRun(ICakeLog log, RunRequest request)
    {
        var start = DateTimeOffset.Now;
        var planned = ClaudeRunnerEngine.Plan(request).Prompts;
        CakeLogObserver.Write(log, Verbosity.Normal, LogLevel.Information, $"Dry run: {planned.Count} planned, nothing started");
        foreach (var prompt in planned)
        {
            CakeLogObserver.Write(log, Verbosity.Normal, LogLevel.Information, $"[{prompt.Prompt.Id}] ({prompt.Limits}) {prompt.CommandLine}");
        }

        return new RunSummary { Results = [], Start = start, End = DateTimeOffset.Now };
    }

    private static RunSummary Run(ICakeLog log, RunRequest request)
    {
        using var cancellation = new CancellationTokenSource();
        // Cake has no cancellation of its own: Ctrl+C and SIGTERM would end the host and orphan claude.
        // Caught here, they stop the children and write the reports; the task then fails like any other.
        using var signals = TerminationSignals.Register(cancellation, terminateAfterStop: false, request.GracePeriod + StopMargin);
        RunSummary summary;
        try
        {
            // Off Cake's thread: a script host's synchronization context must not be needed to finish the run.
            summary = Task.Run(() => ClaudeRunnerEngine.RunAsync(request, new CakeLogObserver(log), cancellation.Token)).GetAwaiter().GetResult();
        }
        finally
        {
            signals.RunStopped();
        }

        if (summary.Cancelled)
        {
            throw new CakeException($"The Claude run was cancelled{(signals.Received is { } signal ? $" by {signal}" : string.Empty)}: {FailureText(summary)}");
        }

        return summary.AllSucceeded ? summary : throw new CakeException(FailureText(summary));
    }

    /// <summary>"2 of 5 prompts failed: a (Failed: …), b (TimedOut: …); not started: c. Summary: …".</summary>
    private static string FailureText(RunSummary summary)
    {
        var notStarted = summary.Failures.Where(r => r.NeverStarted).ToList();
        var failed = summary.Failures.Except(notStarted).Select(r => $"{r.Id} ({r.Outcome}: {r.Message})").ToList();
        var parts = new List<string>();
        if (failed.Count > 0)
        {
            parts.Add(string.Join(", ", failed));
        }

        if (notStarted.Count > 0)
        {
            parts.Add($"not started: {string.Join(", ", notStarted.Select(r => r.Id))}");
        }

        return $"{summary.Headline}: {string.Join("; ", parts)}. Summary: {summary.SummaryFile}";
    }
}
