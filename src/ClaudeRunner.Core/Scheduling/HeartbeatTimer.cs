namespace ClaudeRunner;

/// <summary>Reports the run's progress every <see cref="RunRequest.HeartbeatInterval"/> until stopped.</summary>
internal sealed class HeartbeatTimer
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly long _runStarted;
    private readonly int _total;
    private readonly Scheduler _scheduler;
    private readonly ObserverGate _observer;

    /// <param name="interval">Between two heartbeats; zero or less for none.</param>
    /// <param name="time">The run's clock.</param>
    /// <param name="runStarted">The run's start, a <paramref name="time"/> timestamp.</param>
    /// <param name="total">The prompts of the run.</param>
    /// <param name="scheduler">Counts running attempts and finished prompts.</param>
    /// <param name="observer">Receives the heartbeats.</param>
    public HeartbeatTimer(TimeSpan interval, TimeProvider time, long runStarted, int total, Scheduler scheduler, ObserverGate observer)
    {
        _interval = interval;
        _time = time;
        _runStarted = runStarted;
        _total = total;
        _scheduler = scheduler;
        _observer = observer;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, _time);
        // Stopped by disposing the timer, which ends the wait with false: a cancelled wait throws, and under Native AOT
        // the exception's stack trace (resolving method names) cost the CLI more CPU than the rest of a short run.
        using var stopping = stop.Register(timer.Dispose);
        while (await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var done = _scheduler.Done;
            var elapsed = _time.GetElapsedTime(_runStarted);
            TimeSpan? eta = done == 0 ? null : elapsed / done * (_total - done);
            _observer.Emit(new Heartbeat(_time.GetLocalNow(), done, _total, _scheduler.Running, elapsed, eta));
        }
    }
}
