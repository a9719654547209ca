using Cake.ClaudeRunner;
using Cake.ClaudeRunner.Tests;
using Cake.Core;
using ClaudeRunner.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// Every scenario of <see cref="RealClaudeScenarios"/> through the Cake add-in's <c>RunClaudeParallel</c> alias, in a
/// task run by a real <see cref="CakeEngine"/> (Cake.Core 7) against the REAL claude: the task fails iff a prompt fails,
/// with a <see cref="CakeException"/> naming the headline and each failed prompt with its outcome.
/// </summary>
[Trait("Category", "RealClaude")]
[Collection(InProcessFrontEndsCollection.Name)]
public sealed class CakeScenarioRealClaudeTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(RealClaudeScenarios.Names), MemberType = typeof(RealClaudeScenarios))]
    public async Task TheTaskRunsTheScenario_ThrowingACakeExceptionNamingEachFailedPromptIffAPromptFails(string name)
    {
        await using var scenario = await RealClaudeScenarios.All[name]();
        using var cake = new CakeHarness(scenario.Directory);
        var settings = new ClaudeRunnerSettings
        {
            ClaudePath = RealClaudeScenario.ClaudePath,
            MaxParallel = scenario.MaxParallel,
            LogDirectory = scenario.LogDirectory,
            RetryDelay = RealClaudeScenario.RetryDelay,
        };
        var running = cake.RunTaskAsync(context => context.RunClaudeParallel(scenario.PromptsFile, settings));

        if (scenario.RunFails)
        {
            var report = await Assert.ThrowsAsync<CakeReportException>(() => running);
            output.WriteLine(cake.Log.Text);
            var failure = Assert.IsType<CakeException>(report.InnerException);
            Assert.StartsWith(scenario.ExpectedHeadline + ": ", failure.Message, StringComparison.Ordinal);
            foreach (var expected in scenario.ExpectedFailures)
            {
                Assert.Contains($"{expected.Id} ({expected.Outcome}: ", failure.Message, StringComparison.Ordinal);
                Assert.Contains(expected.MessageContains ?? string.Empty, failure.Message, StringComparison.Ordinal);
            }
        }
        else
        {
            var report = await running;
            output.WriteLine(cake.Log.Text);
            Assert.Equal(CakeTaskExecutionStatus.Executed, Assert.Single(report).ExecutionStatus);
            Assert.Contains(cake.Log.Lines, l => l.Text.StartsWith(scenario.ExpectedHeadline + " in ", StringComparison.Ordinal));
        }

        output.WriteLine(scenario.Mock.Describe());
        await scenario.AssertRunAsExpectedAsync();
        FrontEndChecks.AssertParallelismRespected(scenario);
    }
}
