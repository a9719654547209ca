namespace ClaudeRunner;

/// <summary>
/// Hands events to the run's observer one at a time. A failing observer must not cost a prompt its
/// result row: its exception is kept, later events are dropped, and the run throws it once it is over.
/// </summary>
internal sealed class ObserverGate
{
    private readonly IRunObserver? _observer;
    private readonly object _gate = new();
    private Exception? _failure;

    public ObserverGate(IRunObserver? observer) => _observer = observer;

    public void Emit(RunEvent runEvent)
    {
        if (_observer is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            try
            {
                _observer.OnEvent(runEvent);
            }
            catch (Exception ex)
            {
                _failure = ex;
            }
        }
    }

    /// <summary>Throws the observer's failure, if it had one.</summary>
    /// <exception cref="InvalidOperationException">The observer threw.</exception>
    public void ThrowIfFailed()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException($"A run observer failed: {_failure.Message}", _failure);
            }
        }
    }
}
