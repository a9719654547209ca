namespace ClaudeRunner;

/// <summary>
/// One run of a plan: the prompts are admitted to the <see cref="Scheduler"/>'s slots one at a time in the plan's
/// start order, each admitted one runs as a <see cref="PromptRun"/>, a heartbeat reports progress meanwhile, and at the
/// end the reports are written with a row for every prompt, whether it ran, failed, was cancelled or never started.
/// </summary>
internal sealed class Run
{
    private readonly RunPlan _plan;
    private readonly ObserverGate _observer;
    private readonly TimeProvider _time;
    private readonly string _runMarker = Guid.NewGuid().ToString("N");
    private readonly CiFormat? _ci;
    private Scheduler? _scheduler;
    private int _promptRunsMade;

    public Run(RunPlan plan, IRunObserver? observer)
    {
        _plan = plan;
        _observer = new ObserverGate(observer);
        _time = plan.Request.TimeProvider;
        _ci = CiServices.Resolve(plan.Request.CiOutput, plan.Request.EnvironmentVariable);
    }

    /// <summary>PromptRuns made so far (for tests: only an admitted prompt gets one).</summary>
    internal int PromptRunsMade => Volatile.Read(ref _promptRunsMade);

    /// <summary>Prompts the scheduler admitted to their first attempt so far (for tests).</summary>
    internal int PromptsAdmitted => _scheduler?.Started ?? 0;

    public async Task<RunSummary> ExecuteAsync(CancellationToken cancellation)
    {
        var request = _plan.Request;
        var start = _time.GetLocalNow();
        var startTimestamp = _time.GetTimestamp();
        OwnerOnlyFile.CreateDirectory(request.ResolvedLogDirectory);
        _observer.Emit(new RunStarted(start, [.. _plan.Prompts.Select(p => p.Prompt)], request.MaxParallel, request.ResolvedLogDirectory) { Warnings = _plan.Warnings, Shard = _plan.Shard, SetCount = _plan.ShardSet?.Count ?? _plan.Prompts.Count, ClaudeNotFound = _plan.ClaudeNotFound, Ci = _ci });

        var results = new PromptResult[_plan.Prompts.Count];
        ConcurrencyHistory concurrency;
        string? usageLimit;
        using (var scheduler = new Scheduler(request, _observer, cancellation))
        using (var heartbeatStop = new CancellationTokenSource())
        using (var worktrees = new RunWorktrees(_plan))
        {
            var heartbeat = new HeartbeatTimer(request.HeartbeatInterval, _time, startTimestamp, results.Length, scheduler, _observer).RunAsync(heartbeatStop.Token);
            _scheduler = scheduler;
            try
            {
                await RunPromptsAsync(scheduler, results, start, worktrees, cancellation).ConfigureAwait(false);
            }
            finally
            {
                // Whatever a claude of this run left behind (a daemon that closed its pipes) goes with the run, and so
                // does any worktree an attempt could not remove itself.
                ProcessTree.KillLeftBehind(_runMarker);
                worktrees.Dispose();
                await heartbeatStop.CancelAsync().ConfigureAwait(false);
                await heartbeat.ConfigureAwait(false);
            }

            concurrency = scheduler.History;
            usageLimit = scheduler.UsageLimit;
        }

        await ApplyChangesAsync(results, start).ConfigureAwait(false);

        var reviewed = _plan.Prompts.Any(p => p.Prompt.Options.Findings == true);
        var summary = new RunSummary
        {
            Results = results,
            Start = start,
            End = _time.GetLocalNow(),
            Cancelled = cancellation.IsCancellationRequested,
            Concurrency = concurrency,
            UsageLimit = usageLimit,
            ClaudeNotFound = _plan.ClaudeNotFound,
            SummaryFile = request.ResolvedSummaryFile,
            JUnitFile = request.ResolvedJUnitFile,
            ReportFile = request.ResolvedReportFile,
            Shard = _plan.Shard,
            ShardSet = _plan.ShardSet,
            Reviewed = reviewed,
            SarifFile = reviewed ? request.ResolvedSarifFile : null,
        };
        // Each report is written wherever it can be: one that fails (a full disk) must not cost the other.
        string?[] failures =
        [
            TryWrite("summary", request.ResolvedSummaryFile, RunReports.WriteSummary, summary),
            TryWrite("JUnit report", request.ResolvedJUnitFile, RunReports.WriteJUnit, summary),
            TryWrite("HTML report", request.ResolvedReportFile, HtmlReport.Write, summary),
            reviewed ? TryWrite("SARIF log", request.ResolvedSarifFile, SarifReport.Write, summary) : null,
        ];
        var reportFailures = failures.OfType<string>().ToList();
        var ci = _ci?.Publish(CiRun.From(summary, [.. _plan.Prompts.Select(p => p.Prompt)], _plan.Redactor, request.BaseDirectory), reportFailures) ?? CiCommands.None;
        summary = summary with { ReportFailures = reportFailures, Ci = ci };
        _observer.Emit(new RunFinished(_time.GetLocalNow(), summary));
        _observer.ThrowIfFailed();
        return summary;
    }

    /// <summary>
    /// Fills <paramref name="results"/>. The prompts that need no slot (up to date, or claude not found) get their rows at
    /// once; the others wait for their first slot one at a time, in the plan's start order (input order, or longest
    /// first), and only an admitted prompt gets its <see cref="PromptRun"/>: a prompt that has not started holds nothing
    /// but its plan, so a run's memory does not grow with the prompts still to start. After a refusal (cancel, usage
    /// limit, fail-fast) the rest get the row of a prompt that never started. Returns once every prompt has its row.
    /// </summary>
    private async Task RunPromptsAsync(Scheduler scheduler, PromptResult[] results, DateTimeOffset start, RunWorktrees worktrees, CancellationToken cancellation)
    {
        foreach (var index in _plan.StartOrder)
        {
            if (PromptRun.WithoutAttempt(_plan, _plan.Prompts[index]) is { } row)
            {
                Finish(index, row);
            }
        }

        // The prompts running; a prompt's task is dropped once it has completed (each kept to the end would be a few
        // hundred bytes per prompt), unless it failed: the run then throws its exception, as Task.WhenAll would.
        var running = new HashSet<Task>();
        Verdict? refusal = null;
        foreach (var index in _plan.StartOrder)
        {
            if (results[index] is not null)
            {
                continue;
            }

            if (refusal is null)
            {
                var admission = await scheduler.EnterAsync().ConfigureAwait(false);
                if (admission.Refusal is null)
                {
                    Interlocked.Increment(ref _promptRunsMade);
                    var task = RunPromptAsync(index, new PromptRun(_plan, _plan.Prompts[index], $"{_runMarker}:{index}", scheduler, _observer, start, worktrees), admission);
                    lock (running)
                    {
                        running.Add(task);
                    }

                    _ = task.ContinueWith(
                        done =>
                        {
                            lock (running)
                            {
                                running.Remove(done);
                            }
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                    continue;
                }

                refusal = admission.Refusal;
            }

            Finish(index, PromptRun.NotStarted(_plan.Prompts[index].Prompt, refusal.Value));
        }

        Task[] left;
        lock (running)
        {
            left = [.. running];
        }

        await Task.WhenAll(left).ConfigureAwait(false);

        async Task RunPromptAsync(int index, PromptRun run, Admission admission) =>
            Finish(index, await run.ExecuteAsync(admission, cancellation).ConfigureAwait(false));

        void Finish(int index, PromptResult result)
        {
            results[index] = result;
            scheduler.PromptDone();
            // A success whose changes are still to be applied is finished once they are (ApplyChangesAsync): it may yet conflict.
            _observer.Emit(PromptRun.IsApplyPending(_plan.Prompts[index], result)
                ? new PromptChangesPending(_time.GetLocalNow(), result)
                : new PromptFinished(_time.GetLocalNow(), result));
        }
    }

    /// <summary>
    /// Applies the patches of the prompts that succeeded in worktrees to the main working tree, in input order (a cancelled
    /// run too: those prompts were paid for); a patch that does not apply makes its prompt Conflicted. Then their successes
    /// are recorded and they are reported finished.
    /// </summary>
    private async Task ApplyChangesAsync(PromptResult[] results, DateTimeOffset start)
    {
        for (var index = 0; index < results.Length; index++)
        {
            var planned = _plan.Prompts[index];
            if (PromptRun.IsApplyPending(planned, results[index]))
            {
                results[index] = await ChangeApplier.ApplyAsync(planned.Isolation!, results[index]).ConfigureAwait(false);
                PromptRun.Record(_plan, planned, results[index], start, _observer);
                _observer.Emit(new PromptFinished(_time.GetLocalNow(), results[index]));
            }
        }
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
