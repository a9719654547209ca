namespace ClaudeRunner;

/// <summary>
/// The engine: validates the prompts, runs claude for each with at most <see cref="RunRequest.MaxParallel"/>
/// at once, retries transient failures, and writes logs, <c>summary.json</c> and a JUnit report.
/// Front ends build a <see cref="RunRequest"/>, call this, and translate events and results.
/// </summary>
public static class ClaudeRunnerEngine
{
    /// <summary>Validates the request and resolves every prompt's command and limits; starts nothing (the dry run).</summary>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid.</exception>
    public static RunPlan Plan(RunRequest request) => RunPlan.Create(request);

    /// <summary>Runs every prompt of the request and returns when all are done, the reports written.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="observer">Receives progress events; may be null.</param>
    /// <param name="cancellationToken">Cancels the run: running claude processes are stopped (SIGTERM, grace period, kill), nothing new starts, and the reports are still written with a row for every prompt.</param>
    /// <returns>The summary; <see cref="RunSummary.Cancelled"/> tells whether the run was cancelled.</returns>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid, or another run holds the log directory; nothing ran.</exception>
    public static async Task<RunSummary> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var plan = RunPlan.Create(request);
        // Held until the reports are written; a dry run never gets here, so it locks nothing.
        using var hold = LogDirectoryLock.Acquire(plan.Request.ResolvedLogDirectory);
        return await new Run(plan, observer).ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }
}
