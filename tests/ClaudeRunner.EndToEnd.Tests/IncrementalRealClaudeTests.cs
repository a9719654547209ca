using Cake.ClaudeRunner;
using Cake.ClaudeRunner.Tests;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// Incremental runs against the REAL claude, through each front end: the second run knows claude's version from the first,
/// finds the recorded success and sends the API nothing.
/// </summary>
[Trait("Category", "RealClaude")]
[Collection(InProcessFrontEndsCollection.Name)]
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

    [Fact]
    public async Task A_second_build_with_nothing_changed_sends_no_request_and_logs_the_prompt_up_to_date()
    {
        await using var scenario = await RealClaudeScenarios.LargePromptAsync();
        var build = new InProcessBuild(scenario.Directory).WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="{scenario.PromptsFile}" ClaudePath="{RealClaudeScenario.ClaudePath}" LogDirectory="{scenario.LogDirectory}" />
              </Target>
            """);

        var first = build.Build();
        var requestsOfFirstRun = scenario.Mock.MessageRequests.Count;
        var second = build.Build();
        output.WriteLine(first.Log);
        output.WriteLine(second.Log);

        Assert.True(first.Succeeded, first.Log);
        Assert.True(requestsOfFirstRun > 0, scenario.Mock.Describe());
        Assert.True(second.Succeeded, second.Log);
        Assert.Contains(second.HighMessages, m => m.StartsWith("All 1 prompt succeeded (1 up to date) in ", StringComparison.Ordinal));
        Assert.Equal(requestsOfFirstRun, scenario.Mock.MessageRequests.Count);
    }

    [Fact]
    public async Task A_second_cake_task_with_nothing_changed_sends_no_request_and_logs_the_prompt_up_to_date()
    {
        await using var scenario = await RealClaudeScenarios.LargePromptAsync();
        var settings = new ClaudeRunnerSettings { ClaudePath = RealClaudeScenario.ClaudePath, LogDirectory = scenario.LogDirectory };
        async Task<IReadOnlyList<string>> RunAsync()
        {
            using var cake = new CakeHarness(scenario.Directory);
            await cake.RunTaskAsync(context => context.RunClaudeParallel(scenario.PromptsFile, settings));
            output.WriteLine(cake.Log.Text);
            return [.. cake.Log.Lines.Select(l => l.Text)];
        }

        await RunAsync();
        var requestsOfFirstRun = scenario.Mock.MessageRequests.Count;
        var second = await RunAsync();

        Assert.True(requestsOfFirstRun > 0, scenario.Mock.Describe());
        Assert.Contains(second, l => l.StartsWith("All 1 prompt succeeded (1 up to date) in ", StringComparison.Ordinal));
        Assert.Equal(requestsOfFirstRun, scenario.Mock.MessageRequests.Count);
    }
}
