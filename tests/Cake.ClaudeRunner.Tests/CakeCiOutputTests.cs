using Cake.Core;
using Cake.Core.Diagnostics;
using ClaudeRunner;
using ClaudeRunner.Tests;
using Path = System.IO.Path;

namespace Cake.ClaudeRunner.Tests;

/// <summary>The Cake alias in a CI (README "CI output"): the real Cake engine, the CI's variables set in the process while the task runs.</summary>
[Collection(nameof(CakeCollection))]
public sealed class CakeCiOutputTests : IDisposable
{
    private const string Prompts = """
        { "prompts": [
          { "id": "fine", "prompt": "fine" },
          { "id": "broken", "prompt": "@fake subtype=error_during_execution" } ] }
        """;

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task On_GitHub_the_log_carries_an_annotation_per_failed_prompt_and_the_step_summary_gets_the_table()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", string.Empty);

        var log = await FailingRunAsync(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary, ["GITHUB_WORKSPACE"] = _scratch.Directory });

        var annotation = Assert.Single(log, line => line.Text.StartsWith("::error ", StringComparison.Ordinal));
        Assert.StartsWith("::error file=prompts.json,line=3,col=", annotation.Text, StringComparison.Ordinal);
        Assert.Contains(",title=broken%3A Failed (CCR001)::The agent failed", annotation.Text, StringComparison.Ordinal);
        Assert.StartsWith("### Claude prompts: 1 of 2 prompts failed\n", await File.ReadAllTextAsync(stepSummary), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_Azure_the_log_carries_an_issue_per_failed_prompt_and_the_summary_upload()
    {
        var log = await FailingRunAsync(new Dictionary<string, string> { ["TF_BUILD"] = "True" });

        Assert.Single(log, line => line.Text.StartsWith($"##vso[task.logissue type=error;sourcepath={Path.Combine(_scratch.Directory, "prompts.json")};linenumber=3;", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Text == $"##vso[task.uploadsummary]{Path.Combine(_scratch.LogDirectory, "summary.md")}");
    }

    [Fact]
    public async Task On_TeamCity_the_log_carries_a_test_per_prompt_and_the_build_problem()
    {
        var log = await FailingRunAsync(new Dictionary<string, string> { ["TEAMCITY_VERSION"] = "2025.07" });

        var messages = log.Where(line => line.Text.StartsWith("##teamcity[", StringComparison.Ordinal)).Select(line => line.Text).ToList();
        Assert.Equal("##teamcity[testSuiteStarted name='claude-runner']", messages[0]);
        Assert.Contains(messages, m => m.StartsWith("##teamcity[testFailed name='broken' message='Failed: ", StringComparison.Ordinal));
        Assert.Equal("##teamcity[buildProblem description='Claude prompts: 1 of 2 prompts failed' identity='claude-runner-prompts-failed']", messages[^1]);
    }

    [Fact]
    public async Task CiOutput_none_turns_it_off()
    {
        var log = await FailingRunAsync(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["TEAMCITY_VERSION"] = "2025.07" }, settings => settings.WithCiOutput("none"));

        Assert.DoesNotContain(log, line => line.Text.StartsWith("::", StringComparison.Ordinal) || line.Text.StartsWith("##teamcity[", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs the prompts (one fails) in a Cake task with the CI's variables set; returns what Cake's log shows at quiet
    /// verbosity (<c>--verbosity=quiet</c> must not hide what the CI reads).
    /// </summary>
    private async Task<IReadOnlyList<(LogLevel Level, string Text)>> FailingRunAsync(IReadOnlyDictionary<string, string> ci, Func<ClaudeRunnerSettings, ClaudeRunnerSettings>? configure = null)
    {
        _scratch.WriteFile("prompts.json", Prompts);
        using var cake = new CakeHarness(_scratch.Directory, Verbosity.Quiet);
        var settings = new ClaudeRunnerSettings { ClaudePath = FakeClaudeScratch.FakeClaudePath, LogDirectory = _scratch.LogDirectory, Retries = 0 };
        foreach (var (name, value) in _scratch.Environment)
        {
            settings.EnvironmentVariables[name] = value;
        }

        settings = configure?.Invoke(settings) ?? settings;
        using (CiVariables.Set(ci))
        {
            var report = await Assert.ThrowsAsync<CakeReportException>(() => cake.RunTaskAsync(context => context.RunClaudeParallel("prompts.json", settings)));
            Assert.IsType<CakeException>(report.InnerException);
        }

        return cake.Log.Lines;
    }
}
