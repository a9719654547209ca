namespace ClaudeRunner.Tests;

/// <summary>Collects a run's events, thread-safely, and lets a test wait for one.</summary>
public sealed class RecordingObserver : IRunObserver
{
    private readonly List<RunEvent> _events = [];
    private readonly List<(Func<RunEvent, bool> Match, TaskCompletionSource Signal)> _waiters = [];

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void OnEvent(RunEvent runEvent)
    {
        lock (_events)
        {
            _events.Add(runEvent);
            foreach (var waiter in _waiters.Where(w => w.Match(runEvent)))
            {
                waiter.Signal.TrySetResult();
            }
        }
    }

    /// <summary>Completes when an event matching <paramref name="match"/> arrives.</summary>
    public Task WhenAsync(Func<RunEvent, bool> match)
    {
        lock (_events)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_events.Any(match))
            {
                signal.SetResult();
            }
            else
            {
                _waiters.Add((match, signal));
            }

            return signal.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>Builds engine requests that run FakeClaude in a scratch directory.</summary>
public static class FakeRuns
{
    public static RunRequest Request(FakeClaudeScratch scratch, params string[] prompts) =>
        Request(scratch, prompts.Select(p => new PromptInput(p)));

    public static RunRequest Request(FakeClaudeScratch scratch, IEnumerable<PromptInput> prompts) => new()
    {
        Sources = [PromptSource.FromPrompts(prompts)],
        BaseDirectory = scratch.Directory,
        ClaudePath = FakeClaudeScratch.FakeClaudePath,
        LogDirectory = scratch.LogDirectory,
        Defaults = new PromptOptions { Env = scratch.Environment, Retries = 0 },
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        GracePeriod = TimeSpan.FromSeconds(1),
        HeartbeatInterval = TimeSpan.Zero,
    };

    public static async Task<RunSummary> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellation = default) =>
        await ClaudeRunnerEngine.RunAsync(request, observer, cancellation).WaitAsync(TimeSpan.FromMinutes(2));
}
