using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>Incremental runs against the REAL claude: the second run asks <c>claude --version</c>, finds the recorded success and sends the API nothing.</summary>
[Trait("Category", "RealClaude")]
public sealed class IncrementalRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_second_run_with_nothing_changed_sends_no_request_and_reports_the_prompt_up_to_date()
    {
        await using var scenario = await RealClaudeScenarios.LargePromptAsync();
        Task<CliResult> RunAsync() => CliProcess.RunAsync(
            scenario.Directory, new Dictionary<string, string>(), null, scenario.PromptsFile, "--claude", RealClaudeScenario.ClaudePath, "--log-dir", scenario.LogDirectory);

        var first = await RunAsync();
        var requestsOfFirstRun = scenario.Mock.MessageRequests.Count;
        var second = await RunAsync();
        output.WriteLine(first.ToString());
        output.WriteLine(second.ToString());

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(requestsOfFirstRun > 0, scenario.Mock.Describe());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("All 1 prompt succeeded (1 up to date)", second.OutputLines[^1]);
        Assert.Equal(requestsOfFirstRun, scenario.Mock.MessageRequests.Count);
    }
}
