using System.Text;
using System.Text.Json;
using ClaudeRunner.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// The harness proves itself against the REAL Claude Code CLI (pinned, see <see cref="RealClaude"/>):
/// claude is started directly (argument list, prompt on stdin, no shell) with
/// <c>-p --output-format stream-json --verbose --dangerously-skip-permissions</c> against
/// <see cref="MockAnthropicApi"/>. These tests pin down the CLI contract the engine relies on
/// (docs/claude-cli.md); when one fails after a CLI upgrade, the contract changed.
/// </summary>
[Trait("Category", "RealClaude")]
public sealed class CliContractRealClaudeTests(ITestOutputHelper output)
{
    // Safety nets for a run that went wrong, not measurements: generous, so a loaded machine does not trip them.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan MockTimeout = TimeSpan.FromSeconds(180);

    private static string[] Arguments(params string[] extra) =>
        [.. ClaudeCliProcess.StreamJsonArguments, "--dangerously-skip-permissions", .. extra];

    [Fact]
    public void RealClaude_IsInstalledAtThePinnedVersion()
    {
        Assert.StartsWith(RealClaude.PinnedVersion + " ", RealClaude.Version + " ", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_ResultLineHasTheReplySessionCostAndUsage()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-success", MockBehaviour.Reply("The mock says hello."));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });

        var result = await RunAsync(env, "Say hello. marker-success", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        var init = result.Messages[0];
        Assert.Equal("system", init.GetProperty("type").GetString());
        Assert.Equal("init", init.GetProperty("subtype").GetString());
        Assert.Equal(RealClaude.PinnedVersion, init.GetProperty("claude_code_version").GetString());
        var line = result.RequireResult();
        Assert.Same(result.StdoutLines[^1], result.StdoutLines.Last(l => l.Contains("\"type\":\"result\"", StringComparison.Ordinal)));
        Assert.Equal("success", line.GetProperty("subtype").GetString());
        Assert.False(line.GetProperty("is_error").GetBoolean());
        Assert.Equal("The mock says hello.", line.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("api_error_status").ValueKind);
        Assert.Equal("completed", line.GetProperty("terminal_reason").GetString());
        Assert.Equal(1, line.GetProperty("num_turns").GetInt32());
        Assert.True(line.GetProperty("total_cost_usd").GetDouble() > 0);
        Assert.True(line.GetProperty("duration_ms").GetInt64() >= 0);
        var usage = line.GetProperty("usage");
        Assert.Equal(MockAnthropicApi.InputTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(MockAnthropicApi.OutputTokens, usage.GetProperty("output_tokens").GetInt32());
        Assert.True(usage.TryGetProperty("cache_creation_input_tokens", out _));
        Assert.True(usage.TryGetProperty("cache_read_input_tokens", out _));
        var sessionId = line.GetProperty("session_id").GetString();
        Assert.Equal(result.SessionId, sessionId);

        var request = Assert.Single(mock.MessageRequests);
        Assert.Equal(sessionId, request.SessionId);
        Assert.Equal("?beta=true", request.Query);
        Assert.True(request.Stream);
        Assert.Equal(ClaudeEnvironment.ApiKey, request.Headers["x-api-key"]);
        Assert.DoesNotContain(mock.Requests, r => !r.IsMessages); // nonessential traffic is off
        Log(result, mock);
    }

    [Fact]
    public async Task ToolRoundTrip_RunsBashAndSendsTheToolResult()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-tool", MockBehaviour.ToolUseThenReply("echo hi-from-bash"));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });

        var result = await RunAsync(env, "Run a command. marker-tool", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        var line = result.RequireResult();
        Assert.False(line.GetProperty("is_error").GetBoolean());
        Assert.Equal(MockBehaviour.ToolRoundTripReplyText, line.GetProperty("result").GetString());
        Assert.Equal(2, line.GetProperty("num_turns").GetInt32());
        Assert.Equal([0, 1], mock.MessageRequests.Select(r => r.ToolResultCount));
        Assert.Contains("hi-from-bash", mock.MessageRequests[1].Body, StringComparison.Ordinal);
        Assert.Contains(result.OfType("user"), m => m.GetRawText().Contains("hi-from-bash", StringComparison.Ordinal));
        Log(result, mock);
    }

    [Fact]
    public async Task RateLimitedTwice_RetriesInsideTheCliThenSucceeds()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-429", MockBehaviour.FailFirst(2, 429, "after the rate limit"));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 3 });

        var result = await RunAsync(env, "marker-429", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        var line = result.RequireResult();
        Assert.False(line.GetProperty("is_error").GetBoolean());
        Assert.Equal("after the rate limit", line.GetProperty("result").GetString());
        var retries = result.SystemMessages("api_retry").ToList();
        Assert.Equal([1, 2], retries.Select(r => r.GetProperty("attempt").GetInt32()));
        Assert.All(retries, r =>
        {
            Assert.Equal(3, r.GetProperty("max_retries").GetInt32());
            Assert.Equal(429, r.GetProperty("error_status").GetInt32());
            Assert.Equal("rate_limit", r.GetProperty("error").GetString());
            Assert.True(r.GetProperty("retry_delay_ms").GetInt32() > 0);
        });
        Assert.Equal(3, mock.MessageRequests.Count);
        Log(result, mock);
    }

    [Fact]
    public async Task RetryAfterHeader_IsHonoured()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-retry-after", MockBehaviour.FailFirst(1, 429, retryAfter: TimeSpan.FromSeconds(2)));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 3 });

        var result = await RunAsync(env, "marker-retry-after", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        var retry = Assert.Single(result.SystemMessages("api_retry"));
        Assert.InRange(retry.GetProperty("retry_delay_ms").GetInt32(), 2000, 3000);
        var requests = mock.MessageRequests;
        Assert.True(requests[1].ArrivedAt - requests[0].EndedAt >= TimeSpan.FromSeconds(1.9));
        Log(result, mock);
    }

    [Fact]
    public async Task PersistentOverload_IsAnErrorResultWithStatus529AndExit1()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-529", MockBehaviour.Error(529));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 2 });

        var result = await RunAsync(env, "marker-529", Arguments());

        Assert.True(result.ExitCode == 1, result.Describe());
        var line = result.RequireResult();
        Assert.Equal("success", line.GetProperty("subtype").GetString());
        Assert.True(line.GetProperty("is_error").GetBoolean());
        Assert.Equal(529, line.GetProperty("api_error_status").GetInt32());
        Assert.Equal("overloaded_error", line.GetProperty("api_error_type").GetString());
        Assert.Equal("api_error", line.GetProperty("terminal_reason").GetString());
        Assert.Contains("529", line.GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, line.GetProperty("total_cost_usd").GetDouble());
        Assert.Equal(2, result.SystemMessages("api_retry").Count());
        Assert.Equal(3, mock.MessageRequests.Count); // 1 + CLAUDE_CODE_MAX_RETRIES, because IS_SANDBOX is set
        Assert.Empty(result.Stderr.Trim());
        Log(result, mock);
    }

    [Fact]
    public async Task PersistentOverload_WithoutIsSandbox_GivesUpAfterThreeAttempts()
    {
        // Without IS_SANDBOX (and so without --dangerously-skip-permissions when root) the CLI stops
        // after 3 consecutive 529s even with the default 10 retries.
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-529-nosandbox", MockBehaviour.Error(529));
        using var env = ClaudeEnvironment.Create(mock);

        var result = await RunAsync(env, "marker-529-nosandbox", ClaudeCliProcess.StreamJsonArguments);

        Assert.True(result.ExitCode == 1, result.Describe());
        var line = result.RequireResult();
        Assert.True(line.GetProperty("is_error").GetBoolean());
        Assert.Equal(529, line.GetProperty("api_error_status").GetInt32());
        Assert.Equal(3, mock.MessageRequests.Count);
        Assert.All(result.SystemMessages("api_retry"), r => Assert.Equal(10, r.GetProperty("max_retries").GetInt32()));
        Log(result, mock);
    }

    [Fact]
    public async Task AuthenticationFailure_IsAnErrorResultWithStatus401AndExit1()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-401", MockBehaviour.Error(401, message: "invalid x-api-key"));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 1 });

        var result = await RunAsync(env, "marker-401", Arguments());

        Assert.True(result.ExitCode == 1, result.Describe());
        var line = result.RequireResult();
        Assert.Equal("success", line.GetProperty("subtype").GetString());
        Assert.True(line.GetProperty("is_error").GetBoolean());
        Assert.Equal(401, line.GetProperty("api_error_status").GetInt32());
        Assert.Equal("authentication_error", line.GetProperty("api_error_type").GetString());
        Assert.Equal("api_error", line.GetProperty("terminal_reason").GetString());
        // The text depends on the error message: the real API's "invalid x-api-key" becomes
        // "Invalid API key · Fix external API key"; other messages give "Failed to authenticate. API Error: 401 …".
        Assert.Equal("Invalid API key · Fix external API key", line.GetProperty("result").GetString());
        // 401 is retried like 429/5xx (error "authentication_failed"), up to CLAUDE_CODE_MAX_RETRIES.
        var retry = Assert.Single(result.SystemMessages("api_retry"));
        Assert.Equal(401, retry.GetProperty("error_status").GetInt32());
        Assert.Equal("authentication_failed", retry.GetProperty("error").GetString());
        Assert.Equal(2, mock.MessageRequests.Count);
        Log(result, mock);
    }

    [Fact]
    public async Task AlwaysToolUse_WithMaxTurns2_IsErrorMaxTurnsAndExit1()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-loop", MockBehaviour.AlwaysToolUse());
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });

        var result = await RunAsync(env, "marker-loop", Arguments("--max-turns", "2"));

        Assert.True(result.ExitCode == 1, result.Describe());
        var line = result.RequireResult();
        Assert.Equal("error_max_turns", line.GetProperty("subtype").GetString());
        Assert.True(line.GetProperty("is_error").GetBoolean());
        Assert.Equal("max_turns", line.GetProperty("terminal_reason").GetString());
        Assert.False(line.TryGetProperty("result", out _));
        Assert.Equal("Reached maximum number of turns (2)", Assert.Single(line.GetProperty("errors").EnumerateArray()).GetString());
        Assert.Equal(3, line.GetProperty("num_turns").GetInt32());
        Assert.Equal(2, mock.MessageRequests.Count);
        Log(result, mock);
    }

    [Fact]
    public async Task LargePromptOnStdin_ReachesTheApiIntact()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });
        var prompt = LargePrompt(300 * 1024, "marker-large");

        var result = await RunAsync(env, prompt, Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal(MockAnthropicApi.DefaultReplyText, result.RequireResult().GetProperty("result").GetString());
        var request = Assert.Single(mock.RequestsFor("marker-large"));
        Assert.NotNull(request.Prompt);
        Assert.Equal(prompt.Length, request.Prompt.Length);
        Assert.True(prompt == request.Prompt, "the prompt was altered on its way through the CLI");
        Log(result, mock);
    }

    [Fact]
    public async Task SkipPermissionsAsRoot_WithoutIsSandbox_IsRefused()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = false });

        var result = await RunAsync(env, "marker-root", Arguments());

        if (ClaudeEnvironment.RunningAsRoot)
        {
            Assert.True(result.ExitCode == 1, result.Describe());
            Assert.Contains("--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons",
                result.Stderr, StringComparison.Ordinal);
            Assert.Empty(result.StdoutLines);
            Assert.Empty(mock.Requests);
        }
        else
        {
            // Not root: the flag is accepted (documents that the refusal is about root only).
            Assert.True(result.ExitCode == 0, result.Describe());
        }

        Log(result, mock);
    }

    [Fact]
    public async Task ApiNeverAnswers_WithoutApiTimeout_TheCliKeepsWaiting()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-hang", MockBehaviour.Hang());
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });
        Assert.DoesNotContain(env.Variables, v => v.Key == "API_TIMEOUT_MS" && v.Value is not null);

        await using var claude = ClaudeCliProcess.Start(env, Arguments(), "marker-hang");
        var request = Assert.Single(await mock.WaitForRequestsAsync(1, MockTimeout));

        // Nothing to wait for: the point is that nothing happens. The runner needs its own timeout.
        Assert.False(await claude.TryWaitForExitAsync(TimeSpan.FromSeconds(5)), "claude gave up on a silent API by itself");
        Assert.True(request.InFlight);
        Assert.Contains("\"subtype\":\"init\"", Assert.Single(claude.StdoutLines), StringComparison.Ordinal);

        claude.KillTree();
        var result = await claude.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(137, result.ExitCode); // SIGKILL
        Assert.Null(result.Result);
        await mock.WaitUntilAsync(_ => !request.InFlight, MockTimeout);
        Assert.True(request.Aborted);
        Assert.Single(mock.MessageRequests);
        Log(result, mock);
    }

    [Theory]
    [InlineData("api_error", new[] { true, false }, 0)]
    [InlineData("overloaded_error", new[] { true, true }, 0)]
    public async Task MidStreamErrorEvent_IsRetried(string errorType, bool[] streamFlags, int apiRetryLines)
    {
        // api_error: sent again at once with "stream": false (the mock's JSON path);
        // overloaded_error: retried with streaming after a backoff. Neither prints an api_retry line.
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-midstream", MockBehaviour.FailFirst(1,
            MockBehaviour.Always(MockResponse.StreamError(errorType)), MockBehaviour.Reply("answer after the stream error")));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 2 });

        var result = await RunAsync(env, "marker-midstream", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("answer after the stream error", result.RequireResult().GetProperty("result").GetString());
        Assert.Equal(streamFlags, mock.MessageRequests.Select(r => r.Stream));
        Assert.Equal(apiRetryLines, result.SystemMessages("api_retry").Count());
        Log(result, mock);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DroppedConnection_IsRetriedWithAnUnknownApiRetry(bool afterMessageStart)
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.When("marker-drop", MockBehaviour.FailFirst(1,
            MockBehaviour.Always(MockResponse.Disconnect(afterMessageStart)), MockBehaviour.Reply("answer after the drop")));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 2 });

        var result = await RunAsync(env, "marker-drop", Arguments());

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("answer after the drop", result.RequireResult().GetProperty("result").GetString());
        var retry = Assert.Single(result.SystemMessages("api_retry"));
        Assert.Equal(JsonValueKind.Null, retry.GetProperty("error_status").ValueKind);
        Assert.Equal("unknown", retry.GetProperty("error").GetString());
        Assert.Equal([true, true], mock.MessageRequests.Select(r => r.Stream));
        Log(result, mock);
    }

    [Fact]
    public async Task ParallelProcesses_AreVisibleAsConcurrentSessionsInTheMock()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        // No answer before all three wait for one: they are in flight together however slowly they start.
        var waves = new MockWaves(3);
        mock.When("marker-parallel", MockBehaviour.Always(MockResponse.Reply("slow answer") with { WaitFor = waves.JoinAsync }));
        using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = true });

        var results = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(i => RunAsync(env, $"marker-parallel {i}", Arguments())));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Describe()));
        Assert.Equal(3, mock.MessageRequests.Select(r => r.SessionId).Distinct().Count());
        Assert.Equal(3, mock.MaxConcurrentMessageRequests("marker-parallel"));
        Assert.Equal(3, mock.MaxConcurrentSessions("marker-parallel"));
        output.WriteLine(mock.Describe());
    }

    private static async Task<ClaudeCliResult> RunAsync(ClaudeEnvironment env, string prompt, IEnumerable<string> arguments)
    {
        await using var claude = ClaudeCliProcess.Start(env, arguments, prompt);
        return await claude.WaitForExitAsync(RunTimeout);
    }

    /// <summary>About <paramref name="size"/> characters over many lines, with multi-byte UTF-8, ending in the marker.</summary>
    private static string LargePrompt(int size, string marker)
    {
        var text = new StringBuilder(size + 100);
        for (var line = 0; text.Length < size; line++)
        {
            text.Append("Line ").Append(line).Append(": ünïcödé 日本語 🙂 \"quotes\" \\ backslash\ttab $HOME `x` <tag>\n");
        }

        return text.Append(marker).ToString();
    }

    private void Log(ClaudeCliResult result, MockAnthropicApi mock)
    {
        output.WriteLine($"exit {result.ExitCode} after {result.Elapsed.TotalSeconds:0.00} s");
        output.WriteLine("mock requests:");
        output.WriteLine(mock.Describe());
        output.WriteLine(result.Result?.GetRawText() ?? "(no result line)");
        if (result.Stderr.Length > 0)
        {
            output.WriteLine("stderr: " + result.Stderr);
        }
    }
}
