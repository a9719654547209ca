using ClaudeRunner.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>ResumeOnRetry against the REAL claude: a retry after a server error continues the conversation, tool result included.</summary>
[Trait("Category", "RealClaude")]
public sealed class ResumeRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ARetryAfterAServerError_ResumesTheSession_SoTheApiSeesTheEarlierToolResultAndTheContinuePrompt()
    {
        await using var scenario = await RealClaudeScenarios.InterruptedToolRunAsync();

        var summary = await ClaudeRunnerEngine.RunAsync(scenario.EngineRequest()).WaitAsync(TimeSpan.FromMinutes(4));
        output.WriteLine(scenario.Mock.Describe());

        var result = Assert.Single(summary.Results);
        Assert.True(result.Outcome == Outcome.Succeeded, result.Message);
        Assert.Equal((2, "Finished after resuming."), (result.Attempts, result.ResultText));
        Assert.Equal([2], result.ResumedAttempts);
        var resumed = scenario.Mock.MessageRequests[^1];
        Assert.Contains(RealClaudeScenarios.InterruptedToolOutput, resumed.Body, StringComparison.Ordinal);
        Assert.Contains(ClaudeCommand.ResumePrompt, resumed.Body, StringComparison.Ordinal);
        Assert.True(resumed.ToolResultCount >= 1, scenario.Mock.Describe());
    }
}
