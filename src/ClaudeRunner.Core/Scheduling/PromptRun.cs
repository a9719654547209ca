namespace ClaudeRunner;

/// <summary>
/// One prompt of a run, from its first attempt to its result row: made once the scheduler admitted its first attempt
/// (a prompt that waits has no PromptRun), gives its slot back during the backoff and takes one per retry, retries what
/// the retry policy calls transient, and adds up the attempts' cost and tokens. Whatever happens, including a failure
/// of the runner itself, the prompt gets its row; a prompt that never gets a slot gets its row from
/// <see cref="WithoutAttempt"/> or <see cref="NotStarted"/>.
/// </summary>
internal sealed class PromptRun : IAttemptOutput
{
    private readonly RunPlan _plan;
    private readonly PlannedPrompt _planned;
    private readonly string _marker;
    private readonly Scheduler _scheduler;
    private readonly ObserverGate _observer;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _runStart;
    private readonly RunWorktrees _worktrees;
    private readonly List<AttemptRecord> _history = [];
    private PromptLog? _log;
    private PromptChanges? _changes;
    private AttemptResult? _last;
    private DateTimeOffset? _start;
    private DateTimeOffset? _end;
    private int _attempts;
    private int _round;
    private readonly List<int> _resumed = [];
    private decimal _cost;
    private TokenUsage _tokens = TokenUsage.Zero;

    /// <param name="plan">The run's plan.</param>
    /// <param name="planned">This prompt.</param>
    /// <param name="marker">Marks this prompt's processes (see <see cref="ProcessTree"/>), unique in the run.</param>
    /// <param name="scheduler">The run's slots.</param>
    /// <param name="observer">The run's observer.</param>
    /// <param name="runStart">When the run started, recorded with a success.</param>
    /// <param name="worktrees">The run's worktrees, for a prompt with worktree isolation.</param>
    public PromptRun(RunPlan plan, PlannedPrompt planned, string marker, Scheduler scheduler, ObserverGate observer, DateTimeOffset runStart, RunWorktrees worktrees)
    {
        _worktrees = worktrees;
        _runStart = runStart;
        _plan = plan;
        _planned = planned;
        _marker = marker;
        _scheduler = scheduler;
        _observer = observer;
        _time = plan.Request.TimeProvider;
    }

    private Prompt Prompt => _planned.Prompt;

    /// <summary>The row of a prompt that runs no attempt and needs no slot: up to date, or claude was not found; null when it runs.</summary>
    public static PromptResult? WithoutAttempt(RunPlan plan, PlannedPrompt planned) =>
        planned.UpToDate is { } recorded ? UpToDate(plan, planned.Prompt, recorded)
        : plan.ClaudeNotFound is { } reason ? NotStarted(planned.Prompt, Verdict.ClaudeNotFound(reason))
        : null;

    /// <summary>The row of a prompt that never started: <paramref name="verdict"/> says why (cancel, usage limit, fail-fast).</summary>
    public static PromptResult NotStarted(Prompt prompt, Verdict verdict) => new()
    {
        Id = prompt.Id,
        Outcome = verdict.Outcome,
        Message = verdict.Message,
        Location = prompt.Location,
        File = prompt.File?.RelativePath,
        Output = verdict.Output,
    };

    /// <summary>Runs the prompt's attempts, the first in the slot <paramref name="admission"/> holds; returns its row.</summary>
    public async Task<PromptResult> ExecuteAsync(Admission admission, CancellationToken cancellation)
    {
        Verdict verdict;
        try
        {
            verdict = await RunAttemptsAsync(admission, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            verdict = Verdict.RunnerFailure(ex, _plan.Request.ResolvedLogDirectory);
            _start ??= _time.GetLocalNow();
            _end = _time.GetLocalNow();
        }
        finally
        {
            _log?.Dispose();
        }

        _scheduler.NoteFinal(Prompt.Id, verdict.Outcome);
        var result = WithOutput(_plan, Prompt, Result(verdict));
        var judged = FindingsReport.Judge(result, Prompt);
        // claude's success is recorded, not the judged result: the same code gets the same review, so a review that fails
        // on its findings stays failed, without paying again, until its inputs change (an isolated one too: a failed prompt's
        // patch is not applied). A success whose patch is still to be applied is recorded once it applied (Run): a conflict
        // is no success.
        if (!IsApplyPending(_planned, judged))
        {
            Record(_plan, _planned, result, _runStart, _observer);
        }

        return judged;
    }

    /// <summary>The result with its structured output written to <c>&lt;id&gt;.output.json</c>; a write that fails is said in its message.</summary>
    private static PromptResult WithOutput(RunPlan plan, Prompt prompt, PromptResult result)
    {
        if (result.Output is not { } output)
        {
            return result;
        }

        var path = Path.Combine(plan.Request.ResolvedLogDirectory, prompt.Id + ".output.json");
        try
        {
            OwnerOnlyFile.WriteAtomically(path, stream =>
            {
                using var json = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
                output.WriteTo(json);
            });
            return result with { OutputFile = path };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return result with { Message = $"{result.Message} The output could not be written to '{path}': {ex.Message}" };
        }
    }

    /// <summary>Whether <paramref name="result"/> is a success whose changes are applied to the main working tree when the run has finished.</summary>
    public static bool IsApplyPending(PlannedPrompt planned, PromptResult result) =>
        result.Outcome == Outcome.Succeeded && planned.Isolation is { ApplyChanges: true };

    /// <summary>
    /// Records a success under the prompt's key (nothing else, and nothing without a key); a cache that cannot be written
    /// costs the next run a rerun, not this prompt its success.
    /// </summary>
    public static void Record(RunPlan plan, PlannedPrompt planned, PromptResult result, DateTimeOffset runStart, ObserverGate observer)
    {
        if (result.Outcome != Outcome.Succeeded || planned.Key is not { } key)
        {
            return;
        }

        var time = plan.Request.TimeProvider;
        try
        {
            plan.Cache.Record(new RecordedSuccess
            {
                Key = key.Value,
                Id = result.Id,
                Succeeded = result.End ?? time.GetLocalNow(),
                RunStart = runStart,
                CostUsd = result.CostUsd,
                DurationMs = (long)result.Duration.TotalMilliseconds,
                SessionId = result.SessionId,
                ResultText = result.ResultText is { } text ? plan.Redactor.Redact(text) : null,
                Output = result.Output,
                Parts = key.Parts,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            observer.Emit(new PromptOutput(time.GetLocalNow(), planned.Prompt, PromptOutputKind.StandardError, $"The success could not be recorded in '{plan.Cache.Directory}' (the next run runs this prompt again): {ex.Message}"));
        }
    }

    /// <summary>The recorded success, its structured output replayed (and a review's findings judged again, under today's FailOn).</summary>
    private static PromptResult UpToDate(RunPlan plan, Prompt prompt, RecordedSuccess recorded) => FindingsReport.Judge(
        WithOutput(plan, prompt, new()
        {
            Id = prompt.Id,
            Outcome = Outcome.UpToDate,
            Message = $"Up to date ({recorded.When}): not run again.",
            Location = prompt.Location,
            File = prompt.File?.RelativePath,
            SessionId = recorded.SessionId,
            ResultText = recorded.ResultText,
            Output = recorded.Output,
            UpToDateWith = recorded,
        }),
        prompt);

    void IAttemptOutput.Output(PromptOutputKind kind, string text) =>
        _observer.Emit(new PromptOutput(_time.GetLocalNow(), Prompt, kind, text));

    void IAttemptOutput.ApiCongestion(int status, TimeSpan? retryDelay) => _scheduler.Congested(status, retryDelay, _round);

    void IAttemptOutput.ApiAnswered() => _scheduler.ApiAnswered();

    void IAttemptOutput.UsageStatus(string status)
    {
        if (status == "rejected")
        {
            _scheduler.StopAtUsageLimit("claude reported the account's usage limit as rejected");
        }
        else
        {
            _scheduler.UsageStatus(status);
        }
    }

    /// <summary>Tells the scheduler what the attempt's end says about the API: a success may raise the limit, a final 429/529 lowers it, a usage limit stops the run.</summary>
    private void ReportToScheduler(AttemptResult attempt)
    {
        switch (attempt.Outcome)
        {
            case Outcome.Succeeded:
                _scheduler.Succeeded();
                break;
            case Outcome.RateLimited or Outcome.Overloaded:
                _scheduler.Congested(attempt.Outcome == Outcome.Overloaded ? 529 : 429, null, _round);
                break;
            case Outcome.UsageLimited when attempt.Result is { } result:
                _scheduler.StopAtUsageLimit(UsageLimits.Reached(result) ?? attempt.Message);
                break;
        }
    }

    /// <summary>The attempts, the first in the slot of <paramref name="admission"/>; returns the last one's verdict, or why none started.</summary>
    private async Task<Verdict> RunAttemptsAsync(Admission admission, CancellationToken cancellation)
    {
        var retryPolicy = _plan.RetryPolicy;
        while (true)
        {
            if (admission.Refusal is { } refusal)
            {
                return _last?.Verdict ?? refusal;
            }

            _round = admission.Round;
            AttemptResult last;
            try
            {
                IDisposable? machineSlot;
                try
                {
                    machineSlot = _plan.MachineSlots is { } slots
                        ? await slots.AcquireAsync(() => _observer.Emit(new WaitingForMachineSlot(_time.GetLocalNow(), Prompt, slots.Limit)), cancellation).ConfigureAwait(false)
                        : null;
                }
                catch (OperationCanceledException)
                {
                    return _last?.Verdict ?? Verdict.NotStartedCancelled;
                }

                using (machineSlot)
                {
                    last = await AttemptAsync(cancellation).ConfigureAwait(false);
                }

                ReportToScheduler(last);
                if (!retryPolicy.ShouldRetry(last.Outcome, _attempts, _planned.Retries))
                {
                    _scheduler.NoteFinal(Prompt.Id, last.Outcome);
                }
            }
            finally
            {
                _scheduler.Leave();
            }

            if (!retryPolicy.ShouldRetry(last.Outcome, _attempts, _planned.Retries) || _scheduler.StartRefusal is not null)
            {
                return last.Verdict;
            }

            var delay = retryPolicy.DelayBefore(_attempts);
            // The wait starts before it is announced, so whoever drives a fake clock on the event moves the right wait.
            var backoff = Task.Delay(delay, _time, cancellation);
            _observer.Emit(new PromptRetrying(_time.GetLocalNow(), Prompt, _attempts + 1, _planned.MaxAttempts, delay, last.Outcome, last.Message));
            try
            {
                await backoff.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return last.Verdict;
            }

            admission = await _scheduler.ReenterAsync().ConfigureAwait(false);
        }
    }


    private async Task<AttemptResult> AttemptAsync(CancellationToken cancellation)
    {
        _log ??= PromptLog.Create(_plan.Request.ResolvedLogDirectory, Prompt.Id, _plan.Request.MaxLogSizeMB * 1024L * 1024, _plan.Request.CreateLogFile);
        _attempts++;
        var now = _time.GetLocalNow();
        _observer.Emit(new PromptStarted(now, Prompt, _attempts, _planned.MaxAttempts, _planned.CommandLine));
        var command = _planned.Command;
        AttemptWorktree? worktree = null;
        AttemptResult? result = null;
        if (_planned.Isolation is { } isolation)
        {
            try
            {
                // Each attempt from a fresh worktree: a retry does not inherit what a failed attempt left.
                worktree = await _worktrees.CreateAsync(isolation, Prompt.Id, _attempts, cancellation).ConfigureAwait(false);
                command = command.In(worktree.WorkingDirectory);
            }
            catch (WorktreeException ex)
            {
                var verdict = cancellation.IsCancellationRequested ? Verdict.NotStartedCancelled : Verdict.WorktreeFailed(ex.Message);
                result = new AttemptResult(verdict, null, null, null, now, _time.GetLocalNow());
            }
        }

        // A retry continues the conversation the last attempt began, when it began one; not in a fresh worktree,
        // whose files are not the ones that conversation saw (and claude keeps transcripts per directory).
        var resumeFrom = _plan.Request.ResumeOnRetry && worktree is null ? _last?.SessionId : null;
        try
        {
            result ??= await RunClaudeAsync(command, resumeFrom, cancellation).ConfigureAwait(false);
            if (resumeFrom is not null && result.ResumeRefused)
            {
                ((IAttemptOutput)this).Output(PromptOutputKind.StandardError, $"claude could not resume session {resumeFrom}: attempt {_attempts} starts over.");
                var refused = result;
                result = await RunClaudeAsync(command, null, cancellation).ConfigureAwait(false);
                // One attempt of two processes: its row starts with the refused one and counts what both used.
                result = result with { Start = refused.Start, Resources = ResourceUsage.Combine([refused.Resources, result.Resources]) };
            }
            else if (resumeFrom is not null)
            {
                _resumed.Add(_attempts);
            }
        }
        finally
        {
            if (worktree is not null)
            {
                // Whatever the attempt's outcome, a cancel included: its changes are kept, its worktree goes.
                _changes = await _worktrees.FinishAsync(worktree, Path.Combine(_plan.Request.ResolvedLogDirectory, Prompt.Id + ".patch")).ConfigureAwait(false);
            }
        }

        _last = result;
        _history.Add(new AttemptRecord { Number = _attempts, Start = result.Start, End = result.End, Outcome = result.Outcome, ExitCode = result.ExitCode, StderrTail = result.StderrTail, Resources = result.Resources });
        _start ??= result.Start;
        _end = result.End;
        _cost += result.Result?.CostUsd ?? 0;
        _tokens = _tokens.Plus(result.Result?.Usage ?? TokenUsage.Zero);
        _log.EndAttempt(result);
        return result;
    }

    /// <summary>One claude process for the current attempt, in a session of its own; a fork of <paramref name="resumeFrom"/> when given.</summary>
    private Task<AttemptResult> RunClaudeAsync(ClaudeCommand planned, string? resumeFrom, CancellationToken cancellation)
    {
        var command = planned.ForAttempt(Guid.NewGuid(), resumeFrom);
        _log!.BeginAttempt(_attempts, _planned.MaxAttempts, _time.GetLocalNow(), command, command.Display(_plan.Redactor));
        var attempt = new ClaudeAttempt(command, $"{_marker}:{_attempts}", _log, _plan.Redactor, this, _time);
        return attempt.RunAsync(resumeFrom is null ? Prompt.Text : ClaudeCommand.ResumePrompt, _planned.Timeout, _plan.Request.GracePeriod, cancellation);
    }

    private PromptResult Result(Verdict verdict) => new()
    {
        Id = Prompt.Id,
        Outcome = verdict.Outcome,
        Message = _log?.Failure is { } failure ? $"{verdict.Message} The log is incomplete: {failure}" : verdict.Message,
        Location = Prompt.Location,
        File = Prompt.File?.RelativePath,
        ExitCode = _last?.ExitCode,
        Attempts = _attempts,
        ResumedAttempts = _resumed,
        History = [.. _history],
        Start = _start,
        End = _end,
        CostUsd = _cost,
        Tokens = _tokens,
        Turns = _last?.Result?.Turns,
        SessionId = _last?.SessionId,
        ResultText = _last?.Result?.Text,
        Output = verdict.Output,
        LogFile = _log?.LogPath,
        StreamFile = _log?.StreamPath,
        Changes = _changes,
    };
}
