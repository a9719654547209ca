namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// Holds requests in waves of <see cref="Size"/>: a request that joins (<see cref="JoinAsync"/>, usually as a
/// <see cref="MockResponse.WaitFor"/>) is held until <see cref="Size"/> requests are held at once, then the whole
/// wave is released and the next request starts a new wave. So a run whose parallelism is <see cref="Size"/> is
/// answered as soon as every slot is busy, however slowly its processes start, and a run that never has
/// <see cref="Size"/> requests in flight is never answered (its prompts time out).
/// </summary>
public sealed class MockWaves
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _wave = NewWave();
    private int _held;
    private int _released;

    /// <summary>Creates waves of <paramref name="size"/> requests.</summary>
    public MockWaves(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
    }

    /// <summary>How many requests a wave holds before it is released.</summary>
    public int Size { get; }

    /// <summary>How many waves have been released.</summary>
    public int Released
    {
        get
        {
            lock (_gate)
            {
                return _released;
            }
        }
    }

    /// <summary>Joins the current wave; completes when it is full (or throws when <paramref name="cancellationToken"/> is cancelled).</summary>
    public Task JoinAsync(CancellationToken cancellationToken)
    {
        Task wave;
        lock (_gate)
        {
            wave = _wave.Task;
            if (++_held == Size)
            {
                _wave.SetResult();
                _wave = NewWave();
                _held = 0;
                _released++;
            }
        }

        return wave.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewWave() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
