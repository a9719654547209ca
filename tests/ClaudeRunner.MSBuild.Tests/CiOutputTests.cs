namespace ClaudeRunner.Tests;

/// <summary>
/// The task in a CI (README "CI output"), built by the real MSBuild engine with the CI's variables set in the process: it
/// writes the step summary and the run's messages, and leaves annotations to its own coded errors (no second copy).
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class CiOutputTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();
    private readonly InProcessBuild _build;

    public CiOutputTests()
    {
        _build = new InProcessBuild(_scratch.Directory);
    }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void On_GitHub_the_step_summary_gets_the_table_and_the_errors_stay_the_only_annotations()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", string.Empty);

        var run = FailingBuild(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary });

        var error = Assert.Single(run.Errors);
        Assert.Equal(("CCR001", Path.Combine(_scratch.Directory, "prompts.json"), 3), (error.Code, error.File, error.LineNumber));
        Assert.DoesNotContain(run.Messages, m => m.Message!.StartsWith("::", StringComparison.Ordinal));
        Assert.StartsWith("### Claude prompts: 1 of 2 prompts failed\n", File.ReadAllText(stepSummary), StringComparison.Ordinal);
    }

    [Fact]
    public void On_Azure_the_summary_is_uploaded_and_issues_are_left_to_the_errors()
    {
        var run = FailingBuild(new Dictionary<string, string> { ["TF_BUILD"] = "True" });

        Assert.Contains($"##vso[task.uploadsummary]{Path.Combine(_scratch.Directory, "obj", "claude", "summary.md")}", run.HighMessages);
        Assert.DoesNotContain(run.Messages, m => m.Message!.Contains("task.logissue", StringComparison.Ordinal));
        Assert.Single(run.Errors);
    }

    [Fact]
    public void On_TeamCity_the_tests_and_the_build_problem_are_high_importance_messages()
    {
        var run = FailingBuild(new Dictionary<string, string> { ["TEAMCITY_VERSION"] = "2025.07" });

        var messages = run.HighMessages.Where(m => m.StartsWith("##teamcity[", StringComparison.Ordinal)).ToList();
        Assert.Equal("##teamcity[testSuiteStarted name='claude-runner']", messages[0]);
        Assert.Contains("##teamcity[testStarted name='broken']", messages);
        Assert.Contains(messages, m => m.StartsWith("##teamcity[testFailed name='broken' message='Failed: ", StringComparison.Ordinal));
        Assert.Equal("##teamcity[buildProblem description='Claude prompts: 1 of 2 prompts failed' identity='claude-runner-prompts-failed']", messages[^1]);
    }

    [Fact]
    public void CiOutput_none_turns_it_off()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", string.Empty);

        var run = FailingBuild(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary, ["TEAMCITY_VERSION"] = "2025.07" }, "CiOutput=\"none\"");

        Assert.DoesNotContain(run.Messages, m => m.Message!.Contains("##teamcity[", StringComparison.Ordinal));
        Assert.Equal(string.Empty, File.ReadAllText(stepSummary));
    }

    private BuildRun FailingBuild(IReadOnlyDictionary<string, string> ci, string attributes = "")
    {
        _scratch.WriteFile("prompts.json", """
            { "defaults": { "retries": 0 }, "prompts": [
              "fine",
              { "id": "broken", "prompt": "@fake subtype=error_during_execution" } ] }
            """);
        _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()} {attributes} />
              </Target>
            """);
        using (CiVariables.Set(ci))
        {
            var run = _build.Build();
            Assert.False(run.Succeeded, run.Log);
            return run;
        }
    }
}
