namespace ClaudeRunner;

/// <summary>
/// The run's slots: at most MaxParallel attempts at once, a slot refilled the moment it frees (no batches),
/// waiters served in the order they queued, and nothing new started after cancel or, with fail-fast, after
/// the first prompt that failed for good. Counts the running attempts and the finished prompts.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly bool _failFast;
    private readonly CancellationToken _cancellation;
    private int _running;
    private int _done;
    private volatile string? _failFastCause;

    public Scheduler(int maxParallel, bool failFast, CancellationToken cancellation)
    {
        _slots = new SemaphoreSlim(maxParallel);
        _failFast = failFast;
        _cancellation = cancellation;
    }

    /// <summary>Attempts running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Prompts done for good.</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>Why no attempt may start now; null while one may.</summary>
    public Verdict? StartRefusal =>
        _cancellation.IsCancellationRequested ? Verdict.NotStartedCancelled
        : _failFastCause is { } cause ? Verdict.NotStartedFailFast(cause)
        : null;

    /// <summary>
    /// Waits for a slot, in the order callers queued. Null when the caller got one (give it back with
    /// <see cref="Leave"/>); otherwise why the attempt must not start.
    /// </summary>
    public async Task<Verdict?> EnterAsync()
    {
        try
        {
            await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Verdict.NotStartedCancelled;
        }

        // Fail-fast may have been noted while this caller waited.
        if (StartRefusal is { } refusal)
        {
            _slots.Release();
            return refusal;
        }

        Interlocked.Increment(ref _running);
        return null;
    }

    /// <summary>Gives a slot back.</summary>
    public void Leave()
    {
        Interlocked.Decrement(ref _running);
        _slots.Release();
    }

    /// <summary>
    /// Records a prompt's final outcome for fail-fast. Called before its slot is released, so the prompt
    /// that gets the slot next already sees the failure and does not start.
    /// </summary>
    public void NoteFinal(string promptId, Outcome outcome)
    {
        if (outcome != Outcome.Succeeded && _failFast && !_cancellation.IsCancellationRequested)
        {
            _failFastCause ??= promptId;
        }
    }

    public void PromptDone() => Interlocked.Increment(ref _done);

    public void Dispose() => _slots.Dispose();
}
