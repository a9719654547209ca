using ClaudeRunner.EndToEnd.Tests.Harness;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>What the front-end scenario tests check beyond <see cref="RealClaudeScenario.AssertRunAsExpectedAsync"/>.</summary>
internal static class FrontEndChecks
{
    /// <summary>
    /// The front end passed <see cref="RealClaudeScenario.MaxParallel"/> on: the mock never saw more claude sessions at
    /// once, and in the parallel scenario (8 slow prompts) exactly that many.
    /// </summary>
    public static void AssertParallelismRespected(string name, RealClaudeScenario scenario)
    {
        var atOnce = scenario.Mock.MaxConcurrentSessions();
        Assert.InRange(atOnce, 0, scenario.MaxParallel);
        if (name == "Parallel")
        {
            Assert.Equal(RealClaudeScenarios.ParallelLimit, atOnce);
        }
    }

    /// <summary>The MSBuild error code of a failed prompt's outcome, as the task's README documents them.</summary>
    public static string MSBuildErrorCode(Outcome outcome) => outcome switch
    {
        Outcome.Failed => "CCR001",
        Outcome.Overloaded => "CCR003",
        Outcome.AuthFailed => "CCR005",
        Outcome.TimedOut => "CCR006",
        Outcome.LaunchFailed => "CCR009",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "No scenario ends with this outcome."),
    };
}
