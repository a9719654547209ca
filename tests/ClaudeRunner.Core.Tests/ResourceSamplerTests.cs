using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeRunner.Tests;

/// <summary>Peak memory and CPU time of an attempt's process tree, sampled from /proc (Linux).</summary>
public sealed class ResourceSamplerTests : IDisposable
{
    private const int AllocatedMb = 96;

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [SkippableFact]
    public async Task A_sample_sums_the_resident_memory_of_claude_and_its_children_and_counts_their_CPU_time()
    {
        Skip.IfNot(ResourceSampler.IsSupported, "Resource figures are sampled from /proc (Linux only).");
        using var fake = StartFake($"@fake allocate_mb={AllocatedMb} grandchild hang");
        try
        {
            // The init line comes after the allocation and the grandchild's start.
            Assert.Contains("\"subtype\":\"init\"", await fake.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
            var sampler = new ResourceSampler(fake.Id, _ => { });

            sampler.Sample();

            var tree = ProcessTree.TreeStats(fake.Id);
            Assert.Equal(2, tree.Count);
            var usage = sampler.Usage!;
            Assert.InRange(usage.PeakMemoryMB, AllocatedMb, AllocatedMb + 400);
            Assert.True(usage.CpuTime > TimeSpan.Zero, "starting .NET and touching every page costs CPU time");
        }
        finally
        {
            ProcessTree.KillTree(fake);
            await fake.WaitForExitAsync();
        }
    }

    [SkippableFact]
    public async Task Each_attempt_reports_its_peak_memory_and_CPU_time_in_the_result_the_summary_and_the_log()
    {
        Skip.IfNot(ResourceSampler.IsSupported, "Resource figures are sampled from /proc (Linux only).");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var observer = new RecordingObserver();
        var request = FakeRuns.Request(_scratch, $"@fake allocate_mb={AllocatedMb} hang") with { TimeProvider = time, Defaults = FakeRuns.Request(_scratch).Defaults with { Timeout = TimeSpan.FromSeconds(5) } };

        var run = ClaudeRunnerEngine.RunAsync(request, observer);
        await FakeClock.WhenClaudeStartedAsync(observer, _scratch);
        // Each step is one sampling interval: the samples after the init line see the allocation; the timeout ends the attempt.
        var summary = await FakeClock.AdvanceUntilDoneAsync(time, run, ResourceSampler.Interval);

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.TimedOut, result.Outcome);
        var resources = result.History.Single().Resources!;
        Assert.Equal(resources, result.Resources);
        Assert.InRange(resources.PeakMemoryMB, AllocatedMb, AllocatedMb + 400);
        Assert.True(resources.CpuTime > TimeSpan.Zero);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(summary.SummaryFile!));
        var row = json.RootElement.GetProperty("prompts")[0];
        Assert.Equal(resources.PeakMemoryMB, row.GetProperty("peakMemoryMB").GetDouble());
        Assert.Equal(resources.CpuSeconds, row.GetProperty("history")[0].GetProperty("cpuSeconds").GetDouble());
        Assert.Contains($"resources: peak memory {resources.PeakMemoryMB.ToString("0.0", CultureInfo.InvariantCulture)} MB, CPU ", await File.ReadAllTextAsync(result.LogFile!), StringComparison.Ordinal);
    }

    private Process StartFake(string prompt)
    {
        var start = new ProcessStartInfo(FakeClaudeScratch.FakeClaudePath) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", "--output-format", "stream-json", "--verbose" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _scratch.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Write(prompt);
        process.StandardInput.Close();
        return process;
    }
}
