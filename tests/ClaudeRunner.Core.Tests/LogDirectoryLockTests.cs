namespace ClaudeRunner.Tests;

/// <summary>Two runs on one log directory would corrupt each other's logs and reports: the second is refused before it starts anything.</summary>
public sealed class LogDirectoryLockTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_second_run_on_a_log_directory_in_use_is_refused_and_a_dry_run_is_not()
    {
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver();
        var first = FakeRuns.RunAsync(FakeRuns.Request(_scratch, [new PromptInput("@fake hang", "holder")]), observer, cancel.Token);
        await observer.WhenAsync(e => e is PromptStarted);

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(FakeRuns.Request(_scratch, [new PromptInput("second", "second")])));
        ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, "dry") with { DryRun = true });

        Assert.Contains($"LogDirectory '{_scratch.LogDirectory}' is in use: another run holds it", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        // Only the first run's claude (waited for: PromptStarted comes before the fake has written anything).
        Assert.Single(await _scratch.WaitForReadyAsync(1));
        await cancel.CancelAsync();
        await first;

        // Released with the first run.
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "third"));
        Assert.True(summary.AllSucceeded);
    }
}
