using System.Text;
using System.Text.Json;
using ClaudeRunner.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// The engine (<see cref="ClaudeRunnerEngine.RunAsync"/>) drives the REAL claude against the mock API:
/// parallel runs, a large prompt, and the root refusal. The scenarios come from <see cref="RealClaudeScenarios"/>,
/// so a front end can run the same ones.
/// </summary>
[Trait("Category", "RealClaude")]
public sealed class EngineRunRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EightPromptsAtMaxParallelFour_AllSucceed_WithAtMostFourInFlight_AndTheSummaryHasEachAnswer()
    {
        await using var scenario = await RealClaudeScenarios.ParallelAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        Assert.Equal("All 8 prompts succeeded", run.Summary.Headline);
        var summaryFile = await scenario.AssertRunAsExpectedAsync();
        // Each of the 8 claude processes is one session at the mock; the mock answers only once four wait at once (in waves), so the four slots overlap however busy the machine is.
        Assert.Equal(RealClaudeScenarios.ParallelPrompts, scenario.Mock.MessageRequests.Select(r => r.SessionId).Distinct().Count());
        Assert.Equal(RealClaudeScenarios.ParallelLimit, scenario.Mock.MaxConcurrentSessions());
        Assert.Equal(RealClaudeScenarios.ParallelLimit, run.EventsOf<RunStarted>().Single().MaxParallel);

        var rows = summaryFile.GetProperty("prompts").EnumerateArray().ToList();
        for (var number = 1; number <= RealClaudeScenarios.ParallelPrompts; number++)
        {
            var id = RealClaudeScenarios.ParallelId(number);
            var row = rows.Single(r => r.GetProperty("id").GetString() == id);
            var request = Assert.Single(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker(id)));
            var resultLine = ResultLine(row.GetProperty("streamFile").GetString()!);

            Assert.Equal(RealClaudeScenarios.ParallelReplyText(number), row.GetProperty("result").GetString());
            Assert.Equal(request.SessionId, row.GetProperty("sessionId").GetString());
            Assert.Equal(resultLine.GetProperty("total_cost_usd").GetDecimal(), row.GetProperty("costUsd").GetDecimal());
            Assert.True(row.GetProperty("costUsd").GetDecimal() > 0, row.ToString());
            Assert.Equal(MockAnthropicApi.InputTokens, row.GetProperty("tokens").GetProperty("input").GetInt32());
            Assert.Equal(MockAnthropicApi.OutputTokens, row.GetProperty("tokens").GetProperty("output").GetInt32());
            Assert.Equal(1, row.GetProperty("turns").GetInt32());
            Assert.Equal(0, row.GetProperty("exitCode").GetInt32());
            Assert.Equal(run.Result(id).CostUsd, row.GetProperty("costUsd").GetDecimal());
        }

        var totals = summaryFile.GetProperty("totals");
        Assert.Equal(run.Summary.TotalCostUsd, totals.GetProperty("costUsd").GetDecimal());
        Assert.Equal(RealClaudeScenarios.ParallelPrompts * MockAnthropicApi.InputTokens, totals.GetProperty("tokens").GetProperty("input").GetInt32());
        Assert.Contains($"answer:{Environment.NewLine}{RealClaudeScenarios.ParallelReplyText(1)}", scenario.ReadLog(RealClaudeScenarios.ParallelId(1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromptOf300KB_GoesThroughStdin_AndArrivesAtTheApiByteForByte()
    {
        await using var scenario = await RealClaudeScenarios.LargePromptAsync();
        var text = RealClaudeScenarios.LargePromptText;
        Assert.True(Encoding.UTF8.GetByteCount(text) > 300 * 1024); // far over the 128 KiB an argv element may hold

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var request = Assert.Single(scenario.Mock.MessageRequests);
        Assert.True(text == request.Prompt, $"The prompt changed on the way: sent {text.Length} chars, the API got {request.Prompt?.Length} chars.");
        Assert.Equal("Read it all.", run.Result("large-prompt").ResultText);
        Assert.DoesNotContain("back\\slash", run.EventsOf<PromptStarted>().Single().CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsRootWithSkipPermissions_IsALaunchFailureThatSaysWhat_AndIsSandboxInThePromptsEnvLetsItRun()
    {
        await using var scenario = await RealClaudeScenarios.RootWithSkipPermissionsAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var sandboxed = Assert.Single(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker(RealClaudeScenarios.SandboxedId)));
        Assert.Equal("Ran in the sandbox.", run.Result(RealClaudeScenarios.SandboxedId).ResultText);
        Assert.Equal(sandboxed.SessionId, run.Result(RealClaudeScenarios.SandboxedId).SessionId);
        if (ClaudeEnvironment.RunningAsRoot)
        {
            var refused = run.Result(RealClaudeScenarios.AsRootId);
            Assert.Equal(
                "claude refuses --dangerously-skip-permissions when run as root (common in containers and CI). "
                + "Run the build as a non-root user; or, only inside a disposable sandbox, set IS_SANDBOX=1 in the environment; "
                + "or turn skip-permissions off (DangerouslySkipPermissions=false / --no-skip-permissions) and set a permission mode.",
                refused.Message);
            Assert.Equal(1, refused.ExitCode);
            Assert.Empty(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker(RealClaudeScenarios.AsRootId)));
            Assert.DoesNotContain(run.EventsOf<PromptRetrying>(), e => e.Prompt.Id == RealClaudeScenarios.AsRootId);
            // claude's own words reach the observer and the log.
            Assert.Contains(run.EventsOf<PromptOutput>(), e => e.Prompt.Id == RealClaudeScenarios.AsRootId
                && e.Kind == PromptOutputKind.StandardError
                && e.Text.Contains("cannot be used with root/sudo privileges", StringComparison.Ordinal));
            Assert.Contains("stderr:    --dangerously-skip-permissions cannot be used with root/sudo privileges", scenario.ReadLog(RealClaudeScenarios.AsRootId), StringComparison.Ordinal);
            Assert.Equal("1 of 2 prompts failed", run.Summary.Headline);
        }
        else
        {
            Assert.Equal("All 2 prompts succeeded", run.Summary.Headline);
        }

    }

    private static JsonElement ResultLine(string streamFile)
    {
        var line = File.ReadLines(streamFile).Last(l => l.Contains("\"type\":\"result\"", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
