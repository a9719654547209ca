using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>MaxLogSizeMB: a prompt's logs stop growing, claude's output does not stop being read.</summary>
public sealed class LogSizeTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_stream_past_the_cap_is_cut_with_a_note_and_the_verdict_still_comes_from_claudes_result_line()
    {
        // 3 MiB of assistant lines (64 KiB each) before the answer; the result line comes long after the cut.
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake stdout_mb=3 text=read-to-the-end", "big")]) with { MaxLogSizeMB = 1 };

        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);

        Assert.Equal((Outcome.Succeeded, "read-to-the-end"), (result.Outcome, result.ResultText));
        var lines = File.ReadAllLines(result.StreamFile!);
        Assert.InRange(new FileInfo(result.StreamFile!).Length, MiB - (128 * 1024), MiB + 1024);
        using var note = JsonDocument.Parse(lines[^1]);
        Assert.Equal(("claude_runner", "log_cut", 1), (note.RootElement.GetProperty("type").GetString(), note.RootElement.GetProperty("subtype").GetString(), note.RootElement.GetProperty("max_log_size_mb").GetInt32()));
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        Assert.DoesNotContain(lines, line => line.Contains("\"type\":\"result\"", StringComparison.Ordinal));
        // The runner's own lines are not claude's output: the answer is still in the .log.
        Assert.Contains("read-to-the-end", await File.ReadAllTextAsync(result.LogFile!), StringComparison.Ordinal);
    }

    [Fact]
    public void Stderr_past_the_cap_is_cut_once_with_a_note_and_the_runners_own_lines_go_on()
    {
        using (var log = PromptLog.Create(_scratch.Directory, "noisy", maxBytes: 100))
        {
            for (var line = 0; line < 10; line++)
            {
                log.StderrLine(new string((char)('a' + line), 29));
            }

            log.EndAttempt(new AttemptResult(Verdict.Cancelled, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        }

        var text = File.ReadAllLines(Path.Combine(_scratch.Directory, "noisy.log"));
        Assert.Equal(["stderr:    " + new string('a', 29), "stderr:    " + new string('b', 29), "stderr:    " + new string('c', 29)], text[..3]);
        Assert.StartsWith("[log cut: MaxLogSizeMB (", text[3], StringComparison.Ordinal);
        Assert.StartsWith("end:", text[4], StringComparison.Ordinal);
    }
}
