namespace ClaudeRunner;

/// <summary>
/// One run of a plan: every prompt is a <see cref="PromptRun"/> sharing the <see cref="Scheduler"/>'s slots,
/// a heartbeat reports progress meanwhile, and at the end the reports are written with a row for every
/// prompt, whether it ran, failed, was cancelled or never started.
/// </summary>
internal sealed class Run
{
    private readonly RunPlan _plan;
    private readonly ObserverGate _observer;
    private readonly TimeProvider _time;
    private readonly string _runMarker = Guid.NewGuid().ToString("N");

    public Run(RunPlan plan, IRunObserver? observer)
    {
        _plan = plan;
        _observer = new ObserverGate(observer);
        _time = plan.Request.TimeProvider;
    }

    public async Task<RunSummary> ExecuteAsync(CancellationToken cancellation)
    {
        var request = _plan.Request;
        var start = _time.GetLocalNow();
        var startTimestamp = _time.GetTimestamp();
        OwnerOnlyFile.CreateDirectory(request.ResolvedLogDirectory);
        _observer.Emit(new RunStarted(start, [.. _plan.Prompts.Select(p => p.Prompt)], request.MaxParallel, request.ResolvedLogDirectory) { Warnings = _plan.Warnings });

        var results = new PromptResult[_plan.Prompts.Count];
        using (var scheduler = new Scheduler(request.MaxParallel, request.FailFast, cancellation))
        using (var heartbeatStop = new CancellationTokenSource())
        {
            var heartbeat = new HeartbeatTimer(request.HeartbeatInterval, _time, startTimestamp, results.Length, scheduler, _observer).RunAsync(heartbeatStop.Token);
            try
            {
                // Each task queues for its first slot before the next one is created, and the scheduler
                // serves its queue in order, so prompts start in input order.
                await Task.WhenAll(_plan.Prompts.Select(async (planned, index) =>
                {
                    var result = await new PromptRun(_plan, planned, $"{_runMarker}:{index}", scheduler, _observer, start).ExecuteAsync(cancellation).ConfigureAwait(false);
                    results[index] = result;
                    scheduler.PromptDone();
                    _observer.Emit(new PromptFinished(_time.GetLocalNow(), result));
                })).ConfigureAwait(false);
            }
            finally
            {
                // Whatever a claude of this run left behind (a daemon that closed its pipes) goes with the run.
                ProcessTree.KillMarked(_runMarker);
                await heartbeatStop.CancelAsync().ConfigureAwait(false);
                await heartbeat.ConfigureAwait(false);
            }
        }

        var reviewed = _plan.Prompts.Any(p => p.Prompt.Options.Findings == true);
        var summary = new RunSummary
        {
            Results = results,
            Start = start,
            End = _time.GetLocalNow(),
            Cancelled = cancellation.IsCancellationRequested,
            SummaryFile = request.ResolvedSummaryFile,
            JUnitFile = request.ResolvedJUnitFile,
            Reviewed = reviewed,
            SarifFile = reviewed ? request.ResolvedSarifFile : null,
        };
        // Each report is written wherever it can be: one that fails (a full disk) must not cost the other.
        string?[] failures =
        [
            TryWrite("summary", request.ResolvedSummaryFile, RunReports.WriteSummary, summary),
            TryWrite("JUnit report", request.ResolvedJUnitFile, RunReports.WriteJUnit, summary),
            reviewed ? TryWrite("SARIF log", request.ResolvedSarifFile, SarifReport.Write, summary) : null,
        ];
        summary = summary with { ReportFailures = [.. failures.OfType<string>()] };
        _observer.Emit(new RunFinished(_time.GetLocalNow(), summary));
        _observer.ThrowIfFailed();
        return summary;
    }

    /// <summary>Writes one report; returns why it could not be written, or null.</summary>
    private static string? TryWrite(string name, string path, Action<string, RunSummary> write, RunSummary summary)
    {
        try
        {
            write(path, summary);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"The {name} could not be written to '{path}': {ex.Message}";
        }
    }
}
