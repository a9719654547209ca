namespace ClaudeRunner.Tests;

/// <summary>A write that fails (a full disk) costs what it wrote, never the run: pipes keep draining, every prompt keeps its row, every report that can be written is.</summary>
public sealed class WriteFailureTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_log_that_cannot_be_written_ends_its_logging_and_the_prompt_still_gets_its_verdict()
    {
        // 2 MiB of output is far more than a pipe holds: a prompt that stopped reading would hang.
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake stdout_mb=2\nflooded", "full"), new PromptInput("fine", "fine")]) with
        {
            CreateLogFile = path => Path.GetFileName(path) == "full.jsonl"
                ? new StreamWriter(new FullDiskStream())
                : OwnerOnlyFile.CreateText(path),
        };

        var summary = await FakeRuns.RunAsync(request);

        Assert.Equal(["full", "fine"], summary.Results.Select(r => r.Id));
        Assert.True(summary.AllSucceeded, string.Join("; ", summary.Results.Select(r => r.Message)));
        Assert.Contains("The log is incomplete: No space left on device", summary.Results[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("incomplete", summary.Results[1].Message, StringComparison.Ordinal);
        Assert.Empty(summary.ReportFailures);
        Assert.Equal(2, FakeClaudeScratch.SummaryPrompts(summary.SummaryFile!).Count);
    }

    [Fact]
    public async Task A_log_file_that_cannot_be_created_leaves_the_prompt_its_verdict()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("hello", "unlogged")]) with
        {
            CreateLogFile = _ => throw new IOException("No space left on device"),
        };

        var summary = await FakeRuns.RunAsync(request);

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Contains("The log is incomplete: No space left on device", result.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(summary.JUnitFile));
    }

    [Fact]
    public async Task A_report_that_cannot_be_written_does_not_cost_the_other_and_is_named()
    {
        var reports = Path.Combine(_scratch.Directory, "reports");
        var request = FakeRuns.Request(_scratch, "hello") with { SummaryFile = Path.Combine(reports, "summary.json") };

        // Planning found the reports directory creatable; a file takes its name while the prompt runs.
        var summary = await FakeRuns.RunAsync(request, new OnFirstStart(() => File.WriteAllText(reports, "in the way")));

        var failure = Assert.Single(summary.ReportFailures);
        Assert.StartsWith($"The summary could not be written to '{Path.Combine(reports, "summary.json")}'", failure, StringComparison.Ordinal);
        Assert.True(File.Exists(summary.JUnitFile));
        Assert.True(summary.AllSucceeded);
    }

    private sealed class OnFirstStart(Action action) : IRunObserver
    {
        private int _started;

        public void OnEvent(RunEvent runEvent)
        {
            if (runEvent is PromptStarted && Interlocked.Exchange(ref _started, 1) == 0)
            {
                action();
            }
        }
    }

    /// <summary>A file on a full disk: every write fails.</summary>
    private sealed class FullDiskStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");
    }
}
