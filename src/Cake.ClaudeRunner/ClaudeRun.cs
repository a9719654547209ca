using Cake.Core;
using Cake.Core.Diagnostics;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>One call of the alias: settings into a request, the engine's run (or plan), and the result into Cake's conventions.</summary>
internal static class ClaudeRun
{
    public static RunSummary Execute(ICakeContext context, PromptSource source, ClaudeRunnerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var request = settings.ToRunRequest(source, context.Environment);
            return request.DryRun ? DryRun(context.Log, request) : Run(context.Log, request);
        }
        catch (InvalidInputException ex)
        {
            throw new CakeException($"The Claude prompts are invalid; nothing ran:{Environment.NewLine}{ex.Message}", ex);
        }
    }

    private static RunSummary DryRun(ICakeLog log, RunRequest request)
    {
        var start = DateTimeOffset.Now;
        var plan = ClaudeRunnerEngine.Plan(request);
        foreach (var warning in plan.Warnings)
        {
            CakeLogObserver.Write(log, Verbosity.Minimal, LogLevel.Warning, warning.ToString());
        }

        foreach (var planned in plan.Prompts)
        {
            CakeLogObserver.Write(log, Verbosity.Normal, LogLevel.Information, planned.Description);
        }

        CakeLogObserver.Write(log, Verbosity.Normal, LogLevel.Information, plan.Headline);
        return new RunSummary { Results = [], Start = start, End = DateTimeOffset.Now };
    }

    private static RunSummary Run(ICakeLog log, RunRequest request)
    {
        // Cake has no cancellation of its own: Ctrl+C and SIGTERM would end the host and orphan claude. Handled by the
        // host, they stop the children and write the reports; the task then fails like any other. Off Cake's thread:
        // a script host's synchronization context must not be needed to finish the run.
        var summary = Task.Run(() => RunHost.RunAsync(request, new CakeLogObserver(log), terminateAfterStop: false, CancellationToken.None)).GetAwaiter().GetResult();
        if (summary.Cancelled)
        {
            throw new CakeException($"The Claude run was cancelled{(summary.StoppedBy is { } signal ? $" by {signal}" : string.Empty)}: {FailureText(summary)}");
        }

        return summary.AllSucceeded ? summary : throw new CakeException(FailureText(summary));
    }

    /// <summary>"2 of 5 prompts failed: a (Failed: …), b (TimedOut: …); not started: c. Summary: …".</summary>
    private static string FailureText(RunSummary summary)
    {
        if (summary.ClaudeNotFound is not null)
        {
            // The log has the reason with its advice once; the exception says it short.
            return $"{summary.Headline}: claude was not found (LaunchFailed). Summary: {summary.SummaryFile}";
        }

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
