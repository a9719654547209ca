using System.Globalization;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// Every scenario of <see cref="RealClaudeScenarios"/> through the <c>RunClaudeParallel</c> MSBuild task, in a project
/// that imports the package's build files, built in-process by the SDK's MSBuild against the REAL claude: the build
/// fails iff a prompt fails, with one error per failed prompt carrying its outcome's code, its id and its line in
/// the prompts file.
/// </summary>
[Trait("Category", "RealClaude")]
[Collection(InProcessFrontEndsCollection.Name)]
public sealed class MSBuildScenarioRealClaudeTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(RealClaudeScenarios.Names), MemberType = typeof(RealClaudeScenarios))]
    public async Task TheBuildRunsTheScenario_FailingWithEachFailedPromptsCodeAndIdIffAPromptFails(string name)
    {
        await using var scenario = await RealClaudeScenarios.All[name]();

        var build = new InProcessBuild(scenario.Directory).WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="{scenario.PromptsFile}" ClaudePath="{RealClaudeScenario.ClaudePath}"
                                   MaxParallel="{scenario.MaxParallel.ToString(CultureInfo.InvariantCulture)}" LogDirectory="{scenario.LogDirectory}"
                                   RetryDelay="{RealClaudeScenario.RetryDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms" />
              </Target>
            """).Build();
        output.WriteLine(build.Log);
        output.WriteLine(scenario.Mock.Describe());

        Assert.True(build.Succeeded == !scenario.RunFails, build.Log);
        await scenario.AssertRunAsExpectedAsync();
        FrontEndChecks.AssertParallelismRespected(scenario);
        Assert.Contains(build.HighMessages, m => m.StartsWith(scenario.ExpectedHeadline + " in ", StringComparison.Ordinal));
        var failures = scenario.ExpectedFailures.ToList();
        Assert.Equal(failures.Count, build.Errors.Count);
        foreach (var expected in failures)
        {
            var error = Assert.Single(build.Errors, e => e.Message!.StartsWith($"Prompt '{expected.Id}' {expected.Outcome}: ", StringComparison.Ordinal));
            Assert.Equal((FrontEndChecks.MSBuildErrorCode(expected.Outcome), scenario.PromptsFile), (error.Code, error.File));
            Assert.True(error.LineNumber > 0, $"The error of '{expected.Id}' has no line in the prompts file.");
            Assert.Contains(expected.MessageContains ?? string.Empty, error.Message, StringComparison.Ordinal);
        }
    }
}
