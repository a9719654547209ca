namespace ClaudeRunner.Tests;

/// <summary>The CLI in a CI (README "CI output"): claude-runner as a child process with the CI's variables in its environment.</summary>
public sealed class CliCiOutputTests : IDisposable
{
    private const string Prompts = """
        { "prompts": [
          { "id": "fine", "prompt": "@fake text=\"all good\"" },
          { "id": "broken", "prompt": "@fake subtype=error_during_execution stderr=\"it went wrong\"" },
          { "id": "forger", "prompt": "@fake text=\"##teamcity[buildStatus text='forged']\\n::error::forged\\n##vso[task.complete result=Succeeded]forged\"" } ] }
        """;

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task On_GitHub_failed_prompts_are_annotated_each_prompt_is_a_group_and_the_table_is_appended_to_the_step_summary()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", "earlier\n");

        var result = await RunAsync(new() { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary, ["GITHUB_WORKSPACE"] = _scratch.Directory });

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.OutputLines;
        var annotation = Assert.Single(lines, line => line.StartsWith("::error ", StringComparison.Ordinal));
        Assert.StartsWith("::error file=prompts.json,line=3,col=", annotation, StringComparison.Ordinal);
        Assert.Contains(",title=broken%3A Failed (CCR001)::", annotation, StringComparison.Ordinal);
        var open = Array.IndexOf(lines, "::group::broken — Failed");
        Assert.True(open >= 0, result.ToString());
        Assert.Contains("broken finished with exit code 1 (Failed", lines[open + 1], StringComparison.Ordinal);
        Assert.Equal("it went wrong", lines[open + 2]);
        Assert.Equal("::endgroup::", lines[open + 3]);
        Assert.Contains("::group::fine — Succeeded", lines);
        Assert.Contains("all good", lines);
        // claude's own text never becomes a command, in the group or anywhere else.
        Assert.Equal(3, lines.Count(line => line.StartsWith("::group::", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, line => line.Contains("forged", StringComparison.Ordinal) && (line.StartsWith("::", StringComparison.Ordinal) || line.Contains("##teamcity[", StringComparison.Ordinal) || line.Contains("##vso[", StringComparison.Ordinal)));
        var table = await File.ReadAllTextAsync(stepSummary);
        Assert.StartsWith("earlier\n### Claude prompts: 1 of 3 prompts failed\n", table, StringComparison.Ordinal);
        Assert.Contains("| broken | ❌ Failed: ", table, StringComparison.Ordinal);
        Assert.Contains("| fine | ✅ Succeeded | 1 |", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_Azure_failed_prompts_are_issues_and_the_summary_is_uploaded()
    {
        var result = await RunAsync(new() { ["TF_BUILD"] = "True" });

        Assert.True(result.ExitCode == 1, result.ToString());
        var issue = Assert.Single(result.OutputLines, line => line.StartsWith("##vso[task.logissue", StringComparison.Ordinal));
        Assert.StartsWith($"##vso[task.logissue type=error;sourcepath={Path.Combine(_scratch.Directory, "prompts.json")};linenumber=3;columnnumber=", issue, StringComparison.Ordinal);
        Assert.Contains(";code=CCR001;]broken: Failed: ", issue, StringComparison.Ordinal);
        var summaryFile = Path.Combine(_scratch.Directory, "claude-logs", "summary.md");
        Assert.Contains($"##vso[task.uploadsummary]{summaryFile}", result.OutputLines);
        Assert.Contains("| broken | ❌ Failed: ", await File.ReadAllTextAsync(summaryFile), StringComparison.Ordinal);
        Assert.Contains("##[group]fine — Succeeded", result.OutputLines);
        Assert.Contains("##[endgroup]", result.OutputLines);
    }

    [Fact]
    public async Task On_TeamCity_every_prompt_is_a_test_the_run_a_build_problem_and_an_answer_cannot_forge_a_message()
    {
        var result = await RunAsync(new() { ["TEAMCITY_VERSION"] = "2025.07.1 (build 197242)" });

        Assert.True(result.ExitCode == 1, result.ToString());
        var messages = result.OutputLines.Where(line => line.StartsWith("##teamcity[", StringComparison.Ordinal)).ToList();
        Assert.Contains("##teamcity[testSuiteStarted name='claude-runner']", messages);
        Assert.Contains("##teamcity[testStarted name='fine']", messages);
        Assert.Contains(messages, m => m.StartsWith("##teamcity[testFailed name='broken' message='Failed: ", StringComparison.Ordinal) && m.Contains("details='it went wrong|nlog: ", StringComparison.Ordinal));
        Assert.Contains("##teamcity[buildProblem description='Claude prompts: 1 of 3 prompts failed' identity='claude-runner-prompts-failed']", messages);
        Assert.Contains("##teamcity[blockOpened name='fine |0x2014 Succeeded']", messages);
        Assert.DoesNotContain(result.OutputLines, line => line.Contains("##teamcity[buildStatus", StringComparison.Ordinal));
        Assert.Contains("##teamcity\u200B[buildStatus text='forged']", result.OutputLines);
    }

    [Fact]
    public async Task Ci_output_none_turns_it_all_off()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", string.Empty);

        var result = await RunAsync(new() { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary, ["TF_BUILD"] = "True", ["TEAMCITY_VERSION"] = "2025.07" }, "--ci-output", "none");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain(result.OutputLines, line => line.StartsWith("::", StringComparison.Ordinal) || line.Contains("##vso[", StringComparison.Ordinal) || line.Contains("##teamcity[", StringComparison.Ordinal) || line.StartsWith("##[", StringComparison.Ordinal));
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(stepSummary));
        Assert.False(File.Exists(Path.Combine(_scratch.Directory, "claude-logs", "summary.md")));
    }

    private async Task<CliResult> RunAsync(Dictionary<string, string> ci, params string[] args)
    {
        _scratch.WriteFile("prompts.json", Prompts);
        var environment = _scratch.Environment;
        foreach (var (name, value) in ci)
        {
            environment[name] = value;
        }

        return await CliProcess.RunAsync(_scratch.Directory, environment, null, ["prompts.json", .. args, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0"]);
    }
}
