using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// One run of a validated prompt set. Each prompt is a task that takes a slot per attempt and gives
/// it back during its backoff, so a slot is refilled the moment it frees and nothing waits for a batch.
/// </summary>
internal sealed class Run
{
    private readonly RunRequest _request;
    private readonly IReadOnlyList<Prompt> _prompts;
    private readonly IRunObserver? _observer;
    private readonly object _observerGate = new();
    private readonly RetryPolicy _retryPolicy;
    private readonly SecretRedactor _redactor;
    private readonly string _runMarker = Guid.NewGuid().ToString("N");
    private readonly string _logDirectory;
    private readonly Stopwatch _clock = new();
    private Exception? _observerFailure;
    private int _running;
    private int _done;
    private volatile string? _failFastCause;

    public Run(RunRequest request, IReadOnlyList<Prompt> prompts, IRunObserver? observer)
    {
        _request = request;
        _prompts = prompts;
        _observer = observer;
        var (retryDelay, maxRetryDelay) = request.EffectiveRetryDelays;
        _retryPolicy = new RetryPolicy(retryDelay, maxRetryDelay, request.RetryTimeouts);
        _redactor = SecretRedactor.FromEnvironment(prompts.Select(p => p.Options.Env).OfType<IReadOnlyDictionary<string, string>>());
        _logDirectory = request.ResolvedLogDirectory;
    }

    public async Task<RunSummary> ExecuteAsync(CancellationToken cancellation)
    {
        var start = DateTimeOffset.Now;
        _clock.Start();
        OwnerOnlyFile.CreateDirectory(_logDirectory);
        Emit(new RunStarted(start, _prompts, _request.MaxParallel, _logDirectory));

        var (claudePath, claudeError) = ClaudeExecutable.Resolve(_request.ClaudePath, _request.BaseDirectory);
        var results = new PromptResult[_prompts.Count];
        using (var slots = new SemaphoreSlim(_request.MaxParallel))
        using (var heartbeatStop = new CancellationTokenSource())
        {
            var heartbeat = HeartbeatAsync(heartbeatStop.Token);
            try
            {
                // Each task queues for its first slot before the next one is created, and the semaphore
                // serves its queue in order, so prompts start in input order.
                await Task.WhenAll(_prompts.Select(async (prompt, index) =>
                {
                    var result = claudePath is null
                        ? NotStarted(prompt, Outcome.LaunchFailed, claudeError!)
                        : await RunPromptAsync(prompt, index, claudePath, slots, cancellation).ConfigureAwait(false);
                    results[index] = result;
                    Interlocked.Increment(ref _done);
                    Emit(new PromptFinished(DateTimeOffset.Now, result));
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

        var summary = new RunSummary
        {
            Results = results,
            Start = start,
            End = DateTimeOffset.Now,
            Cancelled = cancellation.IsCancellationRequested,
            SummaryFile = _request.ResolvedSummaryFile,
            JUnitFile = _request.ResolvedJUnitFile,
        };
        RunReports.WriteSummary(summary.SummaryFile, summary);
        RunReports.WriteJUnit(summary.JUnitFile, summary);
        Emit(new RunFinished(DateTimeOffset.Now, summary));
        return _observerFailure is null ? summary : throw new InvalidOperationException($"A run observer failed: {_observerFailure.Message}", _observerFailure);
    }

    private async Task<PromptResult> RunPromptAsync(Prompt prompt, int index, string claudePath, SemaphoreSlim slots, CancellationToken cancellation)
    {
        var retries = prompt.Options.Retries ?? RunRequest.DefaultRetries;
        var maxAttempts = retries + 1;
        var timeout = prompt.Options.Timeout ?? RunRequest.DefaultTimeout;
        var command = ClaudeCommand.For(prompt, claudePath, _request.DangerouslySkipPermissions);
        var commandLine = command.Display(_redactor);
        var output = new PromptOutputSink(this, prompt);
        PromptLog? log = null;
        AttemptResult? first = null;
        AttemptResult? last = null;
        var attempts = 0;
        var cost = 0m;
        var tokens = TokenUsage.Zero;
        try
        {
            while (NotStartedReason(cancellation) is null)
            {
                try
                {
                    await slots.WaitAsync(cancellation).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var started = false;
                try
                {
                    if (NotStartedReason(cancellation) is not null)
                    {
                        break;
                    }

                    Interlocked.Increment(ref _running);
                    started = true;
                    log ??= PromptLog.Create(_logDirectory, prompt.Id);
                    attempts++;
                    Emit(new PromptStarted(DateTimeOffset.Now, prompt, attempts, maxAttempts, commandLine));
                    log.BeginAttempt(attempts, maxAttempts, DateTimeOffset.Now, command, commandLine);
                    var marker = $"{_runMarker}:{index}:{attempts}";
                    last = await new ClaudeAttempt(command, marker, log, _redactor, output)
                        .RunAsync(prompt.Text, timeout, _request.GracePeriod, cancellation).ConfigureAwait(false);
                    log.EndAttempt(last);
                    // Noted before the slot is released, so the prompt that gets the slot next sees it and does not start.
                    if (!_retryPolicy.ShouldRetry(last.Outcome, attempts, retries))
                    {
                        NoteFinalOutcome(prompt, last.Outcome, cancellation);
                    }
                }
                finally
                {
                    if (started)
                    {
                        Interlocked.Decrement(ref _running);
                    }

                    slots.Release();
                }

                first ??= last;
                cost += last.Result?.CostUsd ?? 0;
                tokens = tokens.Plus(last.Result?.Usage ?? TokenUsage.Zero);
                if (!_retryPolicy.ShouldRetry(last.Outcome, attempts, retries) || NotStartedReason(cancellation) is not null)
                {
                    break;
                }

                var delay = _retryPolicy.DelayBefore(attempts);
                Emit(new PromptRetrying(DateTimeOffset.Now, prompt, attempts + 1, maxAttempts, delay, last.Outcome, last.Message));
                try
                {
                    await Task.Delay(delay, cancellation).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong in the runner itself, the prompt keeps its row in the summary.
            var message = ex is IOException or UnauthorizedAccessException
                ? $"The runner could not write the logs in '{_logDirectory}': {ex.Message}"
                : $"The runner failed on this prompt: {ex.GetType().Name}: {ex.Message}";
            last = new AttemptResult(Outcome.Failed, message, last?.ExitCode, last?.Result, last?.SessionId, first?.Start ?? DateTimeOffset.Now, DateTimeOffset.Now);
        }
        finally
        {
            log?.Dispose();
        }

        if (last is null)
        {
            return NotStarted(prompt, Outcome.Cancelled, NotStartedReason(cancellation) ?? "Not started.");
        }

        NoteFinalOutcome(prompt, last.Outcome, cancellation);

        return new PromptResult
        {
            Id = prompt.Id,
            Outcome = last.Outcome,
            Message = last.Message,
            Location = prompt.Location,
            ExitCode = last.ExitCode,
            Attempts = attempts,
            Start = first?.Start ?? last.Start,
            End = last.End,
            CostUsd = cost,
            Tokens = tokens,
            Turns = last.Result?.Turns,
            SessionId = last.SessionId,
            ResultText = last.Result?.Text,
            LogFile = log?.LogPath,
            StreamFile = log?.StreamPath,
        };
    }

    private void NoteFinalOutcome(Prompt prompt, Outcome outcome, CancellationToken cancellation)
    {
        if (outcome != Outcome.Succeeded && _request.FailFast && !cancellation.IsCancellationRequested)
        {
            _failFastCause ??= prompt.Id;
        }
    }

    private string? NotStartedReason(CancellationToken cancellation) =>
        cancellation.IsCancellationRequested ? "Not started: the run was cancelled."
        : _failFastCause is { } cause ? $"Not started: fail-fast after '{cause}' failed."
        : null;

    private static PromptResult NotStarted(Prompt prompt, Outcome outcome, string message) => new()
    {
        Id = prompt.Id,
        Outcome = outcome,
        Message = message,
        Location = prompt.Location,
    };

    private async Task HeartbeatAsync(CancellationToken stop)
    {
        if (_request.HeartbeatInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_request.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var done = Volatile.Read(ref _done);
                var elapsed = _clock.Elapsed;
                TimeSpan? eta = done == 0 ? null : elapsed / done * (_prompts.Count - done);
                Emit(new Heartbeat(DateTimeOffset.Now, done, _prompts.Count, Volatile.Read(ref _running), elapsed, eta));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Emit(RunEvent runEvent)
    {
        if (_observer is null)
        {
            return;
        }

        lock (_observerGate)
        {
            // A failing observer must not cost a prompt its result row: remember, finish the run, then throw.
            if (_observerFailure is not null)
            {
                return;
            }

            try
            {
                _observer.OnEvent(runEvent);
            }
            catch (Exception ex)
            {
                _observerFailure = ex;
            }
        }
    }

    private sealed class PromptOutputSink(Run run, Prompt prompt) : IAttemptOutput
    {
        public void Output(PromptOutputKind kind, string text) => run.Emit(new PromptOutput(DateTimeOffset.Now, prompt, kind, text));
    }
}
