namespace ClaudeRunner;

/// <summary>
/// The one way every front end runs the engine: SIGINT, SIGTERM and SIGHUP (and the host's own cancellation) cancel
/// the run, the engine stops claude (SIGTERM, grace period, kill) and writes the reports, and the summary says which
/// signal stopped it (<see cref="RunSummary.StoppedBy"/>).
/// </summary>
public static class RunHost
{
    /// <summary>
    /// How long beyond the grace period a host that must go on terminating (MSBuild) holds the signal for the run to
    /// stop: killing the process trees and writing the reports take far less.
    /// </summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For a host process that ends with its run (the CLI): orphaned descendants are re-parented to this process (Linux),
    /// so that finding what a run's claude left behind walks this process's tree instead of every process on the
    /// machine. A long-lived host (an MSBuild node) must not: orphans that end would stay zombies until it exits.
    /// </summary>
    /// <returns>Whether it took effect (false on other systems: the runs then look at every process as before).</returns>
    public static bool AdoptOrphanedProcesses() => ProcessTree.AdoptOrphans();

    /// <summary>Runs <paramref name="request"/> with termination signals handled.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="observer">Receives the run's events; may be null.</param>
    /// <param name="terminateAfterStop">
    /// False for a host that decides itself what happens once the run returned (the CLI exits, Cake fails the task).
    /// True for a host that must still end as the signal asked (an MSBuild node): the signal handler holds the process
    /// until the run stopped (at most the grace period plus <see cref="StopMargin"/>), then the signal's default action ends it.
    /// </param>
    /// <param name="cancellation">The host's own cancellation (MSBuild's <c>Cancel</c>).</param>
    /// <returns>The summary; <see cref="RunSummary.Cancelled"/> and <see cref="RunSummary.StoppedBy"/> tell whether and why the run was stopped.</returns>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid; nothing ran.</exception>
    public static async Task<RunSummary> RunAsync(RunRequest request, IRunObserver? observer, bool terminateAfterStop, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var signals = TerminationSignals.Register(run, terminateAfterStop, request.GracePeriod + StopMargin);
        try
        {
            var summary = await ClaudeRunnerEngine.RunAsync(request, observer, run.Token).ConfigureAwait(false);
            return summary with { StoppedBy = signals.Received };
        }
        finally
        {
            signals.RunStopped();
        }
    }
}
