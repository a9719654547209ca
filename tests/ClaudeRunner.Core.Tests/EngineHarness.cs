using Microsoft.Extensions.Time.Testing;

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

/// <summary>Drives a run on a <see cref="FakeTimeProvider"/>: time moves only when a test says so.</summary>
public static class FakeClock
{
    /// <summary>
    /// Completes once attempt <paramref name="attempt"/> of a prompt (the only one, or <paramref name="promptId"/>)
    /// started and claude's init line of that attempt is in the prompt's stream log. An attempt arms its timeout
    /// before it reads claude's output, so from here on the clock may be moved past the timeout.
    /// </summary>
    public static async Task WhenClaudeStartedAsync(RecordingObserver observer, FakeClaudeScratch scratch, int attempt = 1, string? promptId = null)
    {
        await observer.WhenAsync(e => e is PromptStarted started && started.Attempt == attempt && (promptId is null || started.Prompt.Id == promptId));
        var id = promptId ?? observer.Events.OfType<PromptStarted>().First().Prompt.Id;
        var streamLog = Path.Combine(scratch.LogDirectory, id + ".jsonl");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (CountInitLines(streamLog) < attempt)
        {
            Assert.True(DateTime.UtcNow < deadline, $"attempt {attempt} of '{id}' logged no init line within 60 s");
            await Task.Delay(10);
        }
    }

    private static int CountInitLines(string streamLog)
    {
        // The run still writes the log: share it.
        using var stream = new FileStream(streamLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd().Split('\n').Count(line => line.Contains("\"subtype\":\"init\"", StringComparison.Ordinal));
    }

    /// <summary>Moves the clock by <paramref name="step"/> whenever the run has not finished within 50 ms of real time.</summary>
    public static async Task<RunSummary> AdvanceUntilDoneAsync(FakeTimeProvider time, Task<RunSummary> run, TimeSpan step)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await Task.WhenAny(run, Task.Delay(50)) != run)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not finish within 2 minutes");
            time.Advance(step);
        }

        return await run;
    }
}
