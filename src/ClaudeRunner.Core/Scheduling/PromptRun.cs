namespace ClaudeRunner;

/// <summary>
/// One prompt of a run, from its first attempt to its result row: takes a slot per attempt and gives it
/// back during the backoff, retries what the retry policy calls transient, and adds up the attempts'
/// cost and tokens. Whatever happens, including a failure of the runner itself, the prompt gets its row.
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
    private PromptLog? _log;
    private AttemptResult? _last;
    private DateTimeOffset? _start;
    private DateTimeOffset? _end;
    private int _attempts;
    private decimal _cost;
    private TokenUsage _tokens = TokenUsage.Zero;

    /// <param name="plan">The run's plan.</param>
    /// <param name="planned">This prompt.</param>
    /// <param name="marker">Marks this prompt's processes (see <see cref="ProcessTree"/>), unique in the run.</param>
    /// <param name="scheduler">The run's slots.</param>
    /// <param name="observer">The run's observer.</param>
    /// <param name="runStart">When the run started, recorded with a success.</param>
    public PromptRun(RunPlan plan, PlannedPrompt planned, string marker, Scheduler scheduler, ObserverGate observer, DateTimeOffset runStart)
    {
        _runStart = runStart;
        _plan = plan;
        _planned = planned;
        _marker = marker;
        _scheduler = scheduler;
        _observer = observer;
        _time = plan.Request.TimeProvider;
    }

    private Prompt Prompt => _planned.Prompt;

    public async Task<PromptResult> ExecuteAsync(CancellationToken cancellation)
    {
        if (_planned.UpToDate is { } recorded)
        {
            return UpToDate(recorded);
        }

        if (_plan.ClaudeNotFound is { } reason)
        {
            return Result(Verdict.ClaudeNotFound(reason));
        }

        Verdict verdict;
        try
        {
            verdict = await RunAttemptsAsync(cancellation).ConfigureAwait(false);
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
        var result = WithOutput(Result(verdict));
        // claude's success is recorded before the findings are judged: the same code gets the same review, so a review that
        // fails on its findings stays failed, without paying again, until its inputs change.
        if (result.Outcome == Outcome.Succeeded && _planned.Key is { } key)
        {
            Record(key, result);
        }

        return FindingsReport.Judge(result, Prompt);
    }

    /// <summary>The result with its structured output written to <c>&lt;id&gt;.output.json</c>; a write that fails is said in its message.</summary>
    private PromptResult WithOutput(PromptResult result)
    {
        if (result.Output is not { } output)
        {
            return result;
        }

        var path = Path.Combine(_plan.Request.ResolvedLogDirectory, Prompt.Id + ".output.json");
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

    /// <summary>Records a success under the prompt's key; a cache that cannot be written costs the next run a rerun, not this prompt its success.</summary>
    private void Record(PromptKey key, PromptResult result)
    {
        try
        {
            _plan.Cache.Record(new RecordedSuccess
            {
                Key = key.Value,
                Id = Prompt.Id,
                Succeeded = result.End ?? _time.GetLocalNow(),
                RunStart = _runStart,
                CostUsd = result.CostUsd,
                DurationMs = (long)result.Duration.TotalMilliseconds,
                SessionId = result.SessionId,
                ResultText = result.ResultText is { } text ? _plan.Redactor.Redact(text) : null,
                Output = result.Output,
                Parts = key.Parts,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _observer.Emit(new PromptOutput(_time.GetLocalNow(), Prompt, PromptOutputKind.StandardError, $"The success could not be recorded in '{_plan.Cache.Directory}' (the next run runs this prompt again): {ex.Message}"));
        }
    }

    /// <summary>The recorded success, its structured output replayed (and a review's findings judged again, under today's FailOn).</summary>
    private PromptResult UpToDate(RecordedSuccess recorded) => FindingsReport.Judge(
        WithOutput(new()
        {
            Id = Prompt.Id,
            Outcome = Outcome.UpToDate,
            Message = $"Up to date ({recorded.When}): not run again.",
            Location = Prompt.Location,
            File = Prompt.File?.RelativePath,
            SessionId = recorded.SessionId,
            ResultText = recorded.ResultText,
            Output = recorded.Output,
            UpToDateWith = recorded,
        }),
        Prompt);

    void IAttemptOutput.Output(PromptOutputKind kind, string text) =>
        _observer.Emit(new PromptOutput(_time.GetLocalNow(), Prompt, kind, text));

    /// <summary>The attempts; returns the last one's verdict, or why the prompt never started.</summary>
    private async Task<Verdict> RunAttemptsAsync(CancellationToken cancellation)
    {
        var retryPolicy = _plan.RetryPolicy;
        while (true)
        {
            if (await _scheduler.EnterAsync().ConfigureAwait(false) is { } refusal)
            {
                return _last?.Verdict ?? refusal;
            }

            AttemptResult last;
            try
            {
                last = await AttemptAsync(cancellation).ConfigureAwait(false);
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
        }
    }

    private async Task<AttemptResult> AttemptAsync(CancellationToken cancellation)
    {
        _log ??= PromptLog.Create(_plan.Request.ResolvedLogDirectory, Prompt.Id, _plan.Request.CreateLogFile);
        _attempts++;
        var now = _time.GetLocalNow();
        _observer.Emit(new PromptStarted(now, Prompt, _attempts, _planned.MaxAttempts, _planned.CommandLine));
        _log.BeginAttempt(_attempts, _planned.MaxAttempts, now, _planned.Command, _planned.CommandLine);
        var attempt = new ClaudeAttempt(_planned.Command, $"{_marker}:{_attempts}", _log, _plan.Redactor, this, _time);
        var result = await attempt.RunAsync(Prompt.Text, _planned.Timeout, _plan.Request.GracePeriod, cancellation).ConfigureAwait(false);
        _last = result;
        _start ??= result.Start;
        _end = result.End;
        _cost += result.Result?.CostUsd ?? 0;
        _tokens = _tokens.Plus(result.Result?.Usage ?? TokenUsage.Zero);
        _log.EndAttempt(result);
        return result;
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
    };
}
