namespace ClaudeRunner.Tests;

/// <summary>Where the run writes is checked before anything runs (and pays), without writing anything.</summary>
public sealed class OutputPathTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_summary_under_proc_is_refused_before_anything_runs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc.
        }

        var request = FakeRuns.Request(_scratch, "hello") with { SummaryFile = "/proc/claude-runner-test/summary.json" };

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(request));

        var error = Assert.Single(ex.Errors);
        Assert.Contains("SummaryFile '/proc/claude-runner-test/summary.json'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_JUnit_path_that_is_a_directory_is_refused_before_anything_runs()
    {
        var request = FakeRuns.Request(_scratch, "hello") with { JUnitFile = _scratch.Directory };

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(request));

        Assert.Equal($"JUnitFile '{_scratch.Directory}' is a directory, not a file.", Assert.Single(ex.Errors).Message);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_log_directory_or_summary_under_a_file_is_refused_before_anything_runs()
    {
        var file = _scratch.WriteFile("plain.txt", "not a directory");
        var request = FakeRuns.Request(_scratch, "hello") with
        {
            LogDirectory = Path.Combine(file, "logs"),
            SummaryFile = Path.Combine(_scratch.Directory, "reports", "summary.json"),
            JUnitFile = Path.Combine(file, "junit.xml"),
        };

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(request));

        var messages = ex.Errors.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith($"LogDirectory '{Path.Combine(file, "logs")}'", StringComparison.Ordinal) && m.Contains("is a file, not a directory", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"JUnitFile '{Path.Combine(file, "junit.xml")}'", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.StartsWith("SummaryFile", StringComparison.Ordinal));
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public void A_dry_run_checks_the_paths_but_creates_no_directory()
    {
        var logs = Path.Combine(_scratch.Directory, "new", "deep", "logs");
        var reports = Path.Combine(_scratch.Directory, "reports");
        var request = FakeRuns.Request(_scratch, "hello") with
        {
            DryRun = true,
            LogDirectory = logs,
            SummaryFile = Path.Combine(reports, "summary.json"),
            JUnitFile = Path.Combine(reports, "junit.xml"),
        };

        ClaudeRunnerEngine.Plan(request);
        var refused = Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(request with { JUnitFile = _scratch.Directory }));

        Assert.Contains("JUnitFile", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_scratch.Directory, "new")));
        Assert.False(Directory.Exists(reports));
    }
}
