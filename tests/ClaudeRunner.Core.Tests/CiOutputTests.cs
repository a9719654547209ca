using System.Text;

namespace ClaudeRunner.Tests;

/// <summary>
/// What a run tells its CI (README "CI output"): each CI's escaping with the examples of its vendor's documentation and
/// toolkit tests, detection from the environment, the Markdown summary, and whole runs of FakeClaude with the environment injected.
/// </summary>
public sealed class CiOutputTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    // @actions/core's command.test.ts: escapeData and escapeProperty.
    [Theory]
    [InlineData("percent % percent % cr \r cr \r lf \n lf \n", "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A")]
    [InlineData("colon : comma , stay", "colon : comma , stay")]
    public void GitHub_escapes_data_as_the_toolkit_does(string text, string expected)
    {
        Assert.Equal(expected, GitHubActionsFormat.EscapeData(text));
    }

    [Theory]
    [InlineData("percent % percent % cr \r cr \r lf \n lf \n colon : colon : comma , comma ,", "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A colon %3A colon %3A comma %2C comma %2C")]
    public void GitHub_escapes_properties_as_the_toolkit_does(string text, string expected)
    {
        Assert.Equal(expected, GitHubActionsFormat.EscapeProperty(text));
    }

    // azure-pipelines-task-lib's taskcommand.ts: %AZP25 first, then CR and LF; in properties also ; and ].
    [Theory]
    [InlineData("100% done\r\nnext", "100%AZP25 done%0D%0Anext")]
    [InlineData("a;b]c", "a;b]c")]
    public void Azure_escapes_messages_as_the_task_library_does(string text, string expected)
    {
        Assert.Equal(expected, AzurePipelinesFormat.EscapeData(text));
    }

    [Theory]
    [InlineData("a;b]c", "a%3Bb%5Dc")]
    [InlineData("%3B\r\n", "%AZP253B%0D%0A")]
    public void Azure_escapes_properties_as_the_task_library_does(string text, string expected)
    {
        Assert.Equal(expected, AzurePipelinesFormat.EscapeProperty(text));
    }

    // TeamCity's "Service messages": escaped values.
    [Theory]
    [InlineData("it's", "it|'s")]
    [InlineData("a|b", "a||b")]
    [InlineData("line\nnext\rback", "line|nnext|rback")]
    [InlineData("[x]", "|[x|]")]
    [InlineData("café", "caf|0x00E9")]
    [InlineData("→ 😀", "|0x2192 |0xD83D|0xDE00")]
    public void TeamCity_escapes_values_by_its_rules(string text, string expected)
    {
        Assert.Equal(expected, TeamCityFormat.Escape(text));
    }

    [Fact]
    public void TeamCity_messages_put_each_value_in_quotes()
    {
        Assert.Equal("##teamcity[testFailed name='MyTest.test1' message='failure message' details='message and stack trace']", TeamCityFormat.Message("testFailed", ("name", "MyTest.test1"), ("message", "failure message"), ("details", "message and stack trace")));
    }

    [Fact]
    public void Annotations_read_as_each_CI_documents_them()
    {
        var workspace = Path.Combine(_scratch.Directory, "repo");
        var problem = new CiProblem(CiSeverity.Error, "CCR001", "review: Failed", "it failed: 100%, see\nthe log", Path.Combine(workspace, "src", "prompts,1.json"), 4, 38, IsFinding: false);
        var github = new GitHubActionsFormat(name => name == "GITHUB_WORKSPACE" ? workspace : null);

        Assert.Equal("::error file=src/prompts%2C1.json,line=4,col=38,title=review%3A Failed (CCR001)::it failed: 100%25, see%0Athe log", github.Annotation(problem));
        Assert.Equal($"##vso[task.logissue type=error;sourcepath={workspace}/src/prompts,1.json;linenumber=4;columnnumber=38;code=CCR001;]review: Failed: it failed: 100%AZP25, see%0Athe log", AzurePipelinesFormat.Annotation(problem));
        Assert.Equal("::warning title=x (CCR201)::y", github.Annotation(new CiProblem(CiSeverity.Warning, "CCR201", "x", "y", null, 0, 0, IsFinding: true)));
    }

    [Theory]
    [InlineData(null, "GITHUB_ACTIONS=true", "GitHub Actions")]
    [InlineData("auto", "TF_BUILD=True", "Azure Pipelines")]
    [InlineData(null, "TF_BUILD=true", "Azure Pipelines")]
    [InlineData(null, "TEAMCITY_VERSION=2025.07", "TeamCity")]
    [InlineData(null, "GITHUB_ACTIONS=false", null)]
    [InlineData(null, "CI=true", null)]
    [InlineData("none", "GITHUB_ACTIONS=true", null)]
    [InlineData("TeamCity", "GITHUB_ACTIONS=true", "TeamCity")]
    [InlineData("github", "", "GitHub Actions")]
    [InlineData("azure", "", "Azure Pipelines")]
    public void The_CI_is_detected_from_its_variable_or_named(string? option, string variable, string? expected)
    {
        var (name, value) = variable.Length == 0 ? ("", "") : (variable[..variable.IndexOf('=')], variable[(variable.IndexOf('=') + 1)..]);

        Assert.Equal(expected, CiServices.Resolve(option, n => n == name ? value : null)?.Name);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("two\r\nlines\nthree", "two<br>lines<br>three")]
    [InlineData("**bold** [link](x) `code` \\|", "\\*\\*bold\\*\\* \\[link\\](x) \\`code\\` \\\\\\|")]
    [InlineData("&lt; stays text", "&amp;lt; stays text")]
    public void Markdown_cells_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, MarkdownSummary.Cell(text));
    }

    [Fact]
    public void The_Markdown_summary_puts_failures_first_and_fits_GitHubs_limit_with_many_prompts()
    {
        var start = DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var results = Enumerable.Range(0, 20_000).Select(i => new PromptResult
        {
            Id = $"prompt-{i:D5}-{new string('x', 60)}",
            Outcome = i % 1000 == 999 ? Outcome.Failed : Outcome.Succeeded,
            Message = i % 1000 == 999 ? "it <b>failed</b> | badly" : "ok",
            Location = new SourceLocation("prompts.json", i + 1, 5),
            Attempts = 1,
            Start = start,
            End = start.AddSeconds(2),
            CostUsd = 0.01m,
        }).ToList();
        var summary = new RunSummary { Results = results, Start = start, End = start.AddMinutes(3) };

        var markdown = new MarkdownSummary(summary, SecretRedactor.FromEnvironment([])).Render(MarkdownSummary.GitHubLimitBytes)!;

        Assert.True(Encoding.UTF8.GetByteCount(markdown) <= MarkdownSummary.GitHubLimitBytes, $"{Encoding.UTF8.GetByteCount(markdown)} bytes");
        var lines = markdown.Split('\n');
        Assert.Equal("### Claude prompts: 20 of 20000 prompts failed", lines[0]);
        Assert.Equal("20000 prompts: 19980 succeeded, 0 up to date, 20 failed · 3m00s · $200.00", lines[2]);
        var rows = lines.Where(l => l.StartsWith("| prompt-", StringComparison.Ordinal)).ToList();
        Assert.Equal("| prompt-00999-" + new string('x', 60) + " | ❌ Failed: it &lt;b&gt;failed&lt;/b&gt; \\| badly | 1 | 2s | $0.01 |", rows[0]);
        Assert.All(rows.Take(20), row => Assert.Contains("❌ Failed", row, StringComparison.Ordinal));
        Assert.Contains($"… {20_000 - rows.Count} more prompts, see summary.json / report.html", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_GitHub_a_run_appends_its_masked_table_to_the_step_summary_and_annotates_failed_prompts()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", "# earlier step output\n");
        var prompts = _scratch.WriteFile("prompts.json", """
            { "defaults": { "env": { "CR_TEST_API_TOKEN": "tok-5ecret-value" } },
              "prompts": [
                { "id": "fine", "prompt": "fine" },
                { "id": "broken", "prompt": "@fake subtype=error_during_execution text=\"no <b>luck</b> with tok-5ecret-value\"" } ] }
            """);
        var environment = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_STEP_SUMMARY"] = stepSummary,
            ["GITHUB_WORKSPACE"] = _scratch.Directory,
        };
        var observer = new RecordingObserver();

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch) with { Sources = [PromptSource.FromFile(prompts)], EnvironmentVariable = environment.GetValueOrDefault }, observer);

        Assert.Equal("GitHub Actions", observer.Events.OfType<RunStarted>().Single().Ci?.Name);
        var annotation = Assert.Single(summary.Ci.Annotations);
        Assert.StartsWith("::error file=prompts.json,line=4,col=33,title=broken%3A Failed (CCR001)::", annotation, StringComparison.Ordinal);
        Assert.Empty(summary.Ci.RunMessages);
        var table = await File.ReadAllTextAsync(stepSummary);
        Assert.StartsWith("# earlier step output\n### Claude prompts: 1 of 2 prompts failed\n", table, StringComparison.Ordinal);
        Assert.Contains("| broken | ❌ Failed: ", table, StringComparison.Ordinal);
        Assert.Contains("| fine | ✅ Succeeded | 1 |", table, StringComparison.Ordinal);
        Assert.True(table.IndexOf("| broken", StringComparison.Ordinal) < table.IndexOf("| fine", StringComparison.Ordinal), table);
        Assert.DoesNotContain("tok-5ecret-value", table + annotation, StringComparison.Ordinal);
        Assert.Empty(summary.ReportFailures);
    }

    [Fact]
    public async Task A_step_summary_that_is_a_symbolic_link_is_not_followed_and_named_as_a_report_failure()
    {
        var target = _scratch.WriteFile("elsewhere.txt", "keep\n");
        var link = Path.Combine(_scratch.Directory, "step-summary.md");
        File.CreateSymbolicLink(link, target);
        var environment = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = link };

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "fine") with { EnvironmentVariable = environment.GetValueOrDefault });

        Assert.Equal("keep\n", await File.ReadAllTextAsync(target));
        Assert.Contains(summary.ReportFailures, failure => failure.StartsWith($"The GitHub step summary could not be appended to '{link}': It is a symbolic link", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_summary_too_full_for_the_table_is_left_as_it_is_and_named_as_a_report_failure()
    {
        var earlier = new string('x', MarkdownSummary.GitHubLimitBytes - 100);
        var stepSummary = _scratch.WriteFile("step-summary.md", earlier);
        var environment = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary };

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "fine") with { EnvironmentVariable = environment.GetValueOrDefault });

        Assert.Equal(earlier, await File.ReadAllTextAsync(stepSummary));
        Assert.Contains(summary.ReportFailures, failure => failure.Contains("the table would take it over GitHub's 1 MiB limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_per_file_prompt_is_annotated_at_its_file()
    {
        _scratch.WriteFile("src/auth.cs", "class Auth {}");
        var prompts = _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "review", "prompt": "@fake api_error=401\nReview {file}", "foreach": "src/*.cs" } ] }""");
        var environment = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_WORKSPACE"] = _scratch.Directory };

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch) with { Sources = [PromptSource.FromFile(prompts)], EnvironmentVariable = environment.GetValueOrDefault });

        Assert.StartsWith("::error file=src/auth.cs,title=review--src-auth-cs%3A AuthFailed (CCR005)::", Assert.Single(summary.Ci.Annotations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_Azure_failed_prompts_become_issues_and_the_summary_is_uploaded_from_beside_summary_json()
    {
        var environment = new Dictionary<string, string> { ["TF_BUILD"] = "True" };

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "fine", "@fake api_error=401") with { EnvironmentVariable = environment.GetValueOrDefault });

        var issue = Assert.Single(summary.Ci.Annotations);
        Assert.StartsWith("##vso[task.logissue type=error;code=CCR005;]", issue, StringComparison.Ordinal);
        var markdownFile = Path.Combine(_scratch.LogDirectory, "summary.md");
        Assert.Equal([$"##vso[task.uploadsummary]{markdownFile}"], summary.Ci.RunMessages);
        Assert.Contains("❌ AuthFailed", await File.ReadAllTextAsync(markdownFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_TeamCity_every_prompt_is_a_test_and_a_failed_run_a_build_problem()
    {
        var environment = new Dictionary<string, string> { ["TEAMCITY_VERSION"] = "2025.07" };
        var request = FakeRuns.Request(_scratch, [new PromptInput("fine", "fine"), new PromptInput("@fake subtype=error_max_turns stderr=\"it's [bad]\"", "broken")]) with { EnvironmentVariable = environment.GetValueOrDefault };

        var summary = await FakeRuns.RunAsync(request);

        var messages = summary.Ci.RunMessages;
        Assert.Empty(summary.Ci.Annotations);
        Assert.Equal("##teamcity[testSuiteStarted name='claude-runner']", messages[0]);
        Assert.Equal("##teamcity[testStarted name='fine']", messages[1]);
        Assert.Matches("^##teamcity\\[testFinished name='fine' duration='[0-9]+'\\]$", messages[2]);
        Assert.Equal("##teamcity[testStarted name='broken']", messages[3]);
        Assert.StartsWith("##teamcity[testFailed name='broken' message='Failed: ", messages[4], StringComparison.Ordinal);
        Assert.Contains("details='it|'s |[bad|]|nlog: ", messages[4], StringComparison.Ordinal);
        Assert.Matches("^##teamcity\\[testFinished name='broken' duration='[0-9]+'\\]$", messages[5]);
        Assert.Equal("##teamcity[testSuiteFinished name='claude-runner']", messages[6]);
        Assert.Equal("##teamcity[buildProblem description='Claude prompts: 1 of 2 prompts failed' identity='claude-runner-prompts-failed']", messages[7]);
        Assert.Equal(8, messages.Count);
    }

    [Fact]
    public async Task None_says_nothing_to_the_CI_it_runs_in()
    {
        var stepSummary = _scratch.WriteFile("step-summary.md", string.Empty);
        var environment = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = stepSummary };

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake api_error=401") with { CiOutput = "none", EnvironmentVariable = environment.GetValueOrDefault });

        Assert.Same(CiCommands.None, summary.Ci);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(stepSummary));
    }
}
