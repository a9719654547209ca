using System.Globalization;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// Every scenario of <see cref="RealClaudeScenarios"/> through the claude-runner CLI, run as a real process
/// (the executable the project reference copies beside the tests) against the REAL claude: exit code 0 or 1,
/// the headline, each failed prompt's line, and what every run must leave.
/// </summary>
[Trait("Category", "RealClaude")]
public sealed class CliScenarioRealClaudeTests(ITestOutputHelper output)
{
    // The scenario's variables are in its prompts file: the CLI runs with the test process's environment.
    private static readonly Dictionary<string, string> NoExtraEnvironment = [];

    [Theory]
    [MemberData(nameof(RealClaudeScenarios.Names), MemberType = typeof(RealClaudeScenarios))]
    public async Task TheCliRunsTheScenario_ExitingOneAndNamingEachFailedPromptIffAPromptFails(string name)
    {
        await using var scenario = await RealClaudeScenarios.All[name]();

        var result = await CliProcess.RunAsync(
            scenario.Directory,
            NoExtraEnvironment,
            null,
            scenario.PromptsFile,
            "--claude", RealClaudeScenario.ClaudePath,
            "--max-parallel", scenario.MaxParallel.ToString(CultureInfo.InvariantCulture),
            "--log-dir", scenario.LogDirectory,
            "--retry-delay", $"{RealClaudeScenario.RetryDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms");
        output.WriteLine(result.ToString());
        output.WriteLine(scenario.Mock.Describe());

        Assert.True(result.ExitCode == (scenario.RunFails ? 1 : 0), result.ToString());
        await scenario.AssertRunAsExpectedAsync();
        FrontEndChecks.AssertParallelismRespected(scenario);
        var failures = scenario.ExpectedFailures.ToList();
        var lines = result.OutputLines;
        // The headline, then one line per failed prompt: "  id: Outcome: message (log: …)".
        Assert.Equal(scenario.ExpectedHeadline, lines[^(failures.Count + 1)]);
        foreach (var (expected, line) in failures.Zip(lines[^failures.Count..]))
        {
            Assert.StartsWith($"  {expected.Id}: {expected.Outcome}: ", line, StringComparison.Ordinal);
            Assert.Contains(expected.MessageContains ?? string.Empty, line, StringComparison.Ordinal);
        }
    }
}
