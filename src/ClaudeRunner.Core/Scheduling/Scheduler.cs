namespace ClaudeRunner;

/// <summary>
/// The run's slots: at most the concurrency limit of attempts at once (<see cref="AdaptiveConcurrency"/>, at most
/// MaxParallel), a slot refilled the moment it frees (no batches), retries served before prompts that have not
/// started yet and each in the order they queued, no start while the API's announced retry delay runs, and nothing new
/// started after cancel, after a usage limit, or, with fail-fast, after the first prompt that failed for good. Counts
/// the running attempts, the prompts admitted to their first attempt and the finished prompts.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<Admission>> _retrying = new();
    private readonly LinkedList<TaskCompletionSource<Admission>> _starting = new();
    private readonly AdaptiveConcurrency _limit;
    private readonly bool _failFast;
    private readonly CancellationToken _cancellation;
    private readonly TimeProvider _time;
    private readonly ObserverGate _observer;
    private readonly CancellationTokenRegistration _onCancel;
    private ITimer? _pauseTimer;
    private int _running;
    private int _started;
    private int _done;
    private volatile string? _failFastCause;
    private volatile string? _usageLimit;

    public Scheduler(RunRequest request, ObserverGate observer, CancellationToken cancellation)
    {
        _limit = new AdaptiveConcurrency(request.MaxParallel, request.AdaptiveConcurrency);
        _failFast = request.FailFast;
        _cancellation = cancellation;
        _time = request.TimeProvider;
        _observer = observer;
        _onCancel = cancellation.Register(() => Serve(null));
    }

    /// <summary>Attempts running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Prompts admitted to their first attempt.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Prompts done for good.</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>The API's usage or spend limit that stopped the run (claude's words), or null.</summary>
    public string? UsageLimit => _usageLimit;

    /// <summary>Why no attempt may start now; null while one may.</summary>
    public Verdict? StartRefusal =>
        _cancellation.IsCancellationRequested ? Verdict.NotStartedCancelled
        : _usageLimit is { } limit ? Verdict.NotStartedUsageLimit(limit)
        : _failFastCause is { } cause ? Verdict.NotStartedFailFast(cause)
        : null;

    /// <summary>What the concurrency limit did during the run.</summary>
    public ConcurrencyHistory History
    {
        get
        {
            lock (_gate)
            {
                return new ConcurrencyHistory(_limit.Changes.Count > 0 ? _limit.Changes[0].From : _limit.Limit, _limit.Limit, [.. _limit.Changes], _limit.RateLimitedSignals, _limit.OverloadedSignals);
            }
        }
    }

    /// <summary>
    /// Waits for a slot for a prompt's first attempt, after every retry waiting and in the order callers queued. The
    /// admission's refusal is null when the caller got one (give it back with <see cref="Leave"/>); otherwise it says
    /// why the attempt must not start.
    /// </summary>
    public Task<Admission> EnterAsync() => Queue(_starting);

    /// <summary>
    /// Waits for a slot for a retry, as <see cref="EnterAsync"/> does, but before every prompt that has not started yet:
    /// a prompt that began finishes before new ones begin, whatever the number of prompts still to start.
    /// </summary>
    public Task<Admission> ReenterAsync() => Queue(_retrying);

    /// <summary>Gives a slot back.</summary>
    public void Leave()
    {
        Interlocked.Decrement(ref _running);
        Serve(null);
    }

    /// <summary>An attempt admitted in <paramref name="admittedInRound"/> met a 429 or 529 (claude's own retry or its final error).</summary>
    public void Congested(int status, TimeSpan? retryDelay, int admittedInRound) =>
        Serve(limit => limit.Congested(status, retryDelay, admittedInRound, _time.GetLocalNow()));

    /// <summary>An attempt succeeded; called before its slot is given back, so it counts as in use.</summary>
    public void Succeeded() => Serve(limit => limit.Succeeded(Running, _time.GetLocalNow()));

    /// <summary>The API answered a request of a running attempt (it counts as in use).</summary>
    public void ApiAnswered() => Serve(limit => limit.ApiAnswered(Running, _time.GetLocalNow()));

    /// <summary>claude's <c>rate_limit_event</c> status (subscription logins).</summary>
    public void UsageStatus(string status) => Serve(limit =>
    {
        limit.UsageStatus(status);
        return null;
    });

    /// <summary>
    /// Records a prompt's final outcome for fail-fast. Called before its slot is released, so the prompt that gets
    /// the slot next already sees the failure and does not start.
    /// </summary>
    public void NoteFinal(string promptId, Outcome outcome)
    {
        if (!outcome.IsSuccess() && _failFast && !_cancellation.IsCancellationRequested)
        {
            _failFastCause ??= promptId;
        }
    }

    /// <summary>The API's usage limit is reached (claude's words): no attempt starts any more; running ones finish.</summary>
    public void StopAtUsageLimit(string limit)
    {
        _usageLimit ??= limit;
        Serve(null);
    }

    public void PromptDone() => Interlocked.Increment(ref _done);

    public void Dispose()
    {
        _onCancel.Dispose();
        lock (_gate)
        {
            _pauseTimer?.Dispose();
        }
    }

    private Task<Admission> Queue(LinkedList<TaskCompletionSource<Admission>> queue)
    {
        var waiter = new TaskCompletionSource<Admission>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            queue.AddLast(waiter);
        }

        Serve(null);
        return waiter.Task;
    }

    /// <summary>Applies <paramref name="update"/> to the limit, then starts or refuses waiters in queue order; reports a change of the limit.</summary>
    private void Serve(Func<AdaptiveConcurrency, ConcurrencyChanged?>? update)
    {
        ConcurrencyChanged? change;
        var admitted = new List<(TaskCompletionSource<Admission> Waiter, Admission Admission)>();
        lock (_gate)
        {
            change = update?.Invoke(_limit);
            // One reading of the clock for the check and the timer: with two, a pause could end between them and
            // leave the queue with no timer to serve it.
            var now = _time.GetLocalNow();
            while ((_retrying.First ?? _starting.First) is { } first)
            {
                Admission admission;
                if (StartRefusal is { } refusal)
                {
                    admission = new Admission(refusal, _limit.Round);
                }
                else if (Running < _limit.Limit && _limit.MayStart(now))
                {
                    Interlocked.Increment(ref _running);
                    if (first.List == _starting)
                    {
                        Interlocked.Increment(ref _started);
                    }

                    admission = new Admission(null, _limit.Round);
                }
                else
                {
                    ArmPauseTimer(now);
                    break;
                }

                first.List!.RemoveFirst();
                admitted.Add((first.Value, admission));
            }
        }

        // Outside the lock: continuations run elsewhere, and the observer must never wait on the scheduler.
        if (change is not null)
        {
            _observer.Emit(change);
        }

        foreach (var (waiter, admission) in admitted)
        {
            waiter.TrySetResult(admission);
        }
    }

    /// <summary>While a pause holds the queue, a timer serves it again when the pause ends.</summary>
    private void ArmPauseTimer(DateTimeOffset now)
    {
        if (_limit.PausedUntil is not { } until)
        {
            return;
        }

        var wait = until - now;
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        if (_pauseTimer is null)
        {
            _pauseTimer = _time.CreateTimer(_ => Serve(null), null, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _pauseTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }
}

/// <summary>The answer to a wait for a slot.</summary>
/// <param name="Refusal">Why the attempt must not start; null when it holds a slot.</param>
/// <param name="Round">The concurrency limit's round it was admitted in (see <see cref="AdaptiveConcurrency.Round"/>).</param>
internal readonly record struct Admission(Verdict? Refusal, int Round);
