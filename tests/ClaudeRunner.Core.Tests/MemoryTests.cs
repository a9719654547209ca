namespace ClaudeRunner.Tests;

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(MemoryTests))]
public sealed class MemoryTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("@fake stdout_mb=200", 200)]
    [InlineData("@fake line_mb=100", 100)]
    public async Task A_child_printing_hundreds_of_megabytes_leaves_the_runner_memory_bounded(string prompt, int megabytes)
    {
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // What the runner holds: the heap after a full collection. Without it the sample also counts garbage
                // not yet collected, which depends on how much CPU the GC got (on a loaded machine, more than the output).
                GC.Collect();
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(10);
            }
        });

        // Above the output: the log keeps all of it (the default MaxLogSizeMB would cut it at 64 MiB).
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompt) with { MaxLogSizeMB = 1024 });
        await stop.CancelAsync();
        await sampler;

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.True(new FileInfo(result.StreamFile!).Length >= megabytes * 1024L * 1024, "the whole output is in the stream log");
        // Bounded: far below the output size (the longest line held whole is 4 Mi chars). Sampled every ~10 ms
        // while the output takes far longer to stream, so holding it, even for a moment, shows.
        Assert.True(peak - baseline < 80L * 1024 * 1024, $"managed heap grew by {(peak - baseline) / (1024 * 1024)} MB while the child printed {megabytes} MB");
    }
}
