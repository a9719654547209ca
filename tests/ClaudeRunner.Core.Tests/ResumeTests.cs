using System.Text;
using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>ResumeOnRetry: every attempt in a session of its own; a retry continues the last attempt's conversation as a fork.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_retry_continues_the_interrupted_session_as_a_fork_with_a_new_id_and_a_short_prompt()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake fail_first=1\nreview auth.cs", "review", new PromptOptions { Retries = 2 })]);

        var summary = await FakeRuns.RunAsync(request);

        var result = Assert.Single(summary.Results);
        Assert.Equal((Outcome.Succeeded, 2), (result.Outcome, result.Attempts));
        Assert.Equal([2], result.ResumedAttempts);
        var (first, second) = Ordered();
        var firstSession = first.Args[^1];
        Assert.Equal(["--resume", firstSession, "--fork-session", "--session-id"], second.Args.Skip(second.Args.Count - 5).Take(4));
        Assert.NotEqual(firstSession, second.Args[^1]);
        Assert.Equal(ClaudeCommand.ResumePrompt, Encoding.UTF8.GetString(second.Prompt));
        Assert.Equal(second.Args[^1], result.SessionId);
        using var json = JsonDocument.Parse(File.ReadAllText(summary.SummaryFile!));
        Assert.Equal([2], json.RootElement.GetProperty("prompts")[0].GetProperty("resumedAttempts").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task With_resume_off_a_retry_starts_over_with_the_whole_prompt_in_a_new_session()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake fail_first=1\nreview auth.cs", "review", new PromptOptions { Retries = 2 })]) with { ResumeOnRetry = false };

        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);

        Assert.Equal((Outcome.Succeeded, 2, 0), (result.Outcome, result.Attempts, result.ResumedAttempts.Count));
        var (first, second) = Ordered();
        Assert.Equal(first.ArgsWithoutSession, second.ArgsWithoutSession);
        Assert.NotEqual(first.Args[^1], second.Args[^1]);
        Assert.Equal("@fake fail_first=1\nreview auth.cs", Encoding.UTF8.GetString(second.Prompt));
    }

    [Fact]
    public async Task A_session_claude_cannot_resume_falls_back_to_a_fresh_start_within_the_same_attempt()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake fail_first=1\nreview auth.cs", "review", new PromptOptions { Retries = 1, Args = ["--no-session-persistence"] })]);
        var observer = new RecordingObserver();

        var result = Assert.Single((await FakeRuns.RunAsync(request, observer)).Results);

        Assert.Equal((Outcome.Succeeded, 2, 0), (result.Outcome, result.Attempts, result.ResumedAttempts.Count));
        var invocations = _scratch.Invocations().OrderBy(i => i.Start).ToList();
        Assert.Equal(3, invocations.Count);
        Assert.Contains("--resume", invocations[1].Args);
        Assert.DoesNotContain("--resume", invocations[2].Args);
        Assert.Equal("@fake fail_first=1\nreview auth.cs", Encoding.UTF8.GetString(invocations[2].Prompt));
        Assert.Contains(observer.Events.OfType<PromptOutput>(), e => e.Text.StartsWith("claude could not resume session ", StringComparison.Ordinal) && e.Text.EndsWith(": attempt 2 starts over.", StringComparison.Ordinal));
        // The attempt's row covers both of its processes: from before the refused resume started.
        Assert.Equal(2, result.History.Count);
        Assert.True(result.History[1].Start.UtcDateTime <= invocations[1].Start, $"attempt 2 from {result.History[1].Start:O}, its first process from {invocations[1].Start:O}");
    }

    [Theory]
    [InlineData("--session-id")]
    [InlineData("--resume")]
    [InlineData("--continue")]
    [InlineData("--fork-session")]
    public async Task Args_that_would_take_the_session_from_the_runner_are_refused_before_anything_runs(string flag)
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake", "p", new PromptOptions { Args = [flag] })]);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(request));

        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    private (FakeInvocation First, FakeInvocation Second) Ordered()
    {
        var invocations = _scratch.Invocations().OrderBy(i => i.Start).ToList();
        Assert.Equal(2, invocations.Count);
        return (invocations[0], invocations[1]);
    }
}
