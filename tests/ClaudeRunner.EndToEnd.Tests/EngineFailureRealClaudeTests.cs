using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// How the engine classifies, retries or stops the REAL claude when the API misbehaves: rate limits,
/// overload, refused credentials, silence, and an agent that never stops calling tools.
/// </summary>
[Trait("Category", "RealClaude")]
public sealed partial class EngineFailureRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RateLimitedTwice_SucceedsThroughClaudesOwnRetries_InOneAttempt()
    {
        await using var scenario = await RealClaudeScenarios.RateLimitedTwiceAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal("Done after two rate limits.", run.Result("rate-limited").ResultText);
        Assert.Equal(["error 429", "error 429", "text"], scenario.Mock.MessageRequests.Select(r => r.Outcome));
        Assert.Empty(run.EventsOf<PromptRetrying>());
        // claude's own retries are reported at low importance.
        var retries = run.EventsOf<PromptOutput>().Where(e => e.Kind == PromptOutputKind.ClaudeRetry).ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, e => Assert.Contains("status 429 rate_limit", e.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatAdmitsTwoAtOnce_HalvesTheConcurrencyOnClaudes429s_AndEveryPromptGetsThrough()
    {
        await using var scenario = await RealClaudeScenarios.ServerLimitAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var concurrency = run.Summary.Concurrency!;
        Assert.True(concurrency.RateLimitedSignals > 0, scenario.Mock.Describe());
        var fall = run.EventsOf<ConcurrencyChanged>().First(c => c.To < c.From);
        Assert.Equal(("API rate limited (429)", fall.From / 2), (fall.Reason, fall.To));
        Assert.InRange(fall.NextStartIn!.Value, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2));
        Assert.True(scenario.Mock.MaxConcurrentSessions() <= 4, scenario.Mock.Describe());
    }

    [Fact]
    public async Task PersistentOverload_IsOverloaded_RetriedByTheRunner_ThenTheRunFailsNamingThePrompt()
    {
        await using var scenario = await RealClaudeScenarios.PersistentOverloadAsync();
        const string id = RealClaudeScenarios.OverloadedId;

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal("1 of 2 prompts failed", run.Summary.Headline);
        Assert.Equal(id, Assert.Single(run.Summary.Failures).Id);
        var retrying = Assert.Single(run.EventsOf<PromptRetrying>());
        Assert.Equal((id, 2, 2, Outcome.Overloaded), (retrying.Prompt.Id, retrying.NextAttempt, retrying.MaxAttempts, retrying.Reason));
        Assert.InRange(retrying.Delay, RealClaudeScenario.RetryDelay / 2, RealClaudeScenario.RetryDelay);
        // Two claude processes (ours), each trying twice (claude's: CLAUDE_CODE_MAX_RETRIES=1).
        var requests = scenario.Mock.RequestsFor(RealClaudeScenarios.Marker(id));
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal("error 529", r.Outcome));
        Assert.Equal(2, requests.Select(r => r.SessionId).Distinct().Count());
        Assert.Contains("=== attempt 2 of 2 ===", scenario.ReadLog(id), StringComparison.Ordinal);
        var failure = XDocument.Load(run.Summary.JUnitFile!).Descendants("testcase")
            .Single(t => (string?)t.Attribute("name") == id).Element("failure");
        Assert.NotNull(failure);
        Assert.Equal("Overloaded", (string?)failure.Attribute("type"));
    }

    [Fact]
    public async Task Unauthorized_IsAuthFailed_NotRetried_WithAMessageThatSaysWhatToDo()
    {
        await using var scenario = await RealClaudeScenarios.AuthFailureAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var result = run.Result("unauthorized");
        Assert.Equal(
            "The API refused the credentials (401): log in with `claude /login` or set ANTHROPIC_API_KEY. Invalid API key · Fix external API key",
            result.Message);
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(run.EventsOf<PromptRetrying>());
        Assert.Equal(2, scenario.Mock.MessageRequests.Count); // claude retries a 401 once by itself (CLAUDE_CODE_MAX_RETRIES=1); we do not
    }

    [Fact]
    public async Task SilentApi_TimesOutWithinTimeoutAndGrace_AndNothingClaudeStartedSurvives()
    {
        await using var scenario = await RealClaudeScenarios.SilentApiAsync();
        // The run's clock stands still until claude hangs: its 3 s timeout cannot expire while claude is still starting.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var running = scenario.RunEngineAsync(output.WriteLine, time);
        // The second request (after the tool turn) is the one the mock never answers; by then the
        // background job the tool started is running.
        var requests = await scenario.Mock.WaitForRequestsAsync(2, RealClaudeScenario.RunLimit);
        var jobPid = int.Parse(StartedJob().Match(requests[1].Body).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(ProcessProbe.IsAlive(jobPid), $"The tool's background job {jobPid} is not running.");
        Assert.False(running.IsCompleted, "The run ended before its timeout.");
        time.Advance(RealClaudeScenarios.SilentApiTimeout);
        // The timeout has expired: claude got SIGTERM. The grace period runs on the same clock: let it pass while
        // claude has not exited, never beyond it (then the engine kills the tree).
        for (var grace = TimeSpan.Zero; grace < RealClaudeScenario.GracePeriod && await Task.WhenAny(running, Task.Delay(100)) != running; grace += GraceStep)
        {
            time.Advance(GraceStep);
        }

        var run = await running;

        await scenario.AssertRunAsExpectedAsync();
        var result = run.Result("silent");
        Assert.InRange(result.Duration, RealClaudeScenarios.SilentApiTimeout, RealClaudeScenarios.SilentApiTimeout + RealClaudeScenario.GracePeriod + TimeSpan.FromSeconds(1));
        Assert.Empty(run.EventsOf<PromptRetrying>());
        Assert.Equal(["tool_use", "hang"], scenario.Mock.MessageRequests.Select(r => r.Outcome));
        Assert.False(ProcessProbe.IsAlive(jobPid), $"The tool's background job {jobPid} outlived the run.");
    }

    [Fact]
    public async Task ToolLoopBeyondMaxTurns_IsFailed_NotRetried_AndTheRunFails()
    {
        await using var scenario = await RealClaudeScenarios.ToolLoopAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal("1 of 1 prompt failed", run.Summary.Headline);
        var result = run.Result("tool-loop");
        Assert.Contains("Reached maximum number of turns (2)", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(RealClaudeScenarios.ToolLoopMaxTurns + 1, result.Turns);
        Assert.True(result.CostUsd > 0);
        Assert.Contains(" --max-turns 2 ", run.EventsOf<PromptStarted>().Single().CommandLine, StringComparison.Ordinal);
        Assert.Equal(RealClaudeScenarios.ToolLoopMaxTurns, scenario.Mock.MessageRequests.Count);
        Assert.Empty(run.EventsOf<PromptRetrying>());
    }

    private static readonly TimeSpan GraceStep = TimeSpan.FromMilliseconds(100);

    [GeneratedRegex(@"started-(\d+)")]
    private static partial Regex StartedJob();
}
