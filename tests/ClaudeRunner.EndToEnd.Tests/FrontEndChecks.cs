using ClaudeRunner.EndToEnd.Tests.Harness;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>What the front-end scenario tests check beyond <see cref="RealClaudeScenario.AssertRunAsExpectedAsync"/>.</summary>
internal static class FrontEndChecks
{
    /// <summary>
    /// The front end passed <see cref="RealClaudeScenario.MaxParallel"/> on: where the scenario has more prompts than
    /// that (the parallel scenario: 8 prompts the mock answers in waves of 4), the mock saw exactly that many claude sessions at
    /// once, so the limit was both reached and never exceeded. A scenario with fewer prompts can neither reach nor
    /// exceed it, so it proves nothing about the limit and is not checked.
    /// </summary>
    public static void AssertParallelismRespected(RealClaudeScenario scenario)
    {
        if (scenario.Expected.Count > scenario.MaxParallel)
        {
            Assert.Equal(scenario.MaxParallel, scenario.Mock.MaxConcurrentSessions());
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
        Outcome.UsageLimited => "CCR013",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "No scenario ends with this outcome."),
    };
}
