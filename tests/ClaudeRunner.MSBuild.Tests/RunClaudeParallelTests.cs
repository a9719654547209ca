using System.Text.Json;

namespace ClaudeRunner.Tests;

[Collection(MSBuildCollection.Name)]
public sealed class RunClaudeParallelTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();
    private readonly InProcessBuild _build;

    public RunClaudeParallelTests()
    {
        _build = new InProcessBuild(_scratch.Directory);
    }

    // Where the task writes the summary by default, relative to the project.
    private string SummaryFile => Path.Combine(_scratch.Directory, "obj", "claude", "summary.json");

    public void Dispose() => _scratch.Dispose();

    private (string Outcome, int Attempts) SummaryPrompt(string id, string? summaryFile = null)
    {
        var prompt = FakeClaudeScratch.SummaryPrompts(summaryFile ?? SummaryFile)[id];
        return (prompt.Outcome, prompt.Attempts);
    }

    [Fact]
    public void A_prompts_file_that_succeeds_builds_logs_progress_and_writes_the_summary_under_obj()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ "first", "second" ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Empty(run.Errors);
        Assert.Equal(2, _scratch.Invocations().Count);
        Assert.Contains(run.HighMessages, m => m.StartsWith("Running 2 prompts, at most 4 at once", StringComparison.Ordinal));
        Assert.Equal(2, run.HighMessages.Count(m => m.Contains("] started (attempt 1/3)", StringComparison.Ordinal)));
        Assert.Equal(2, run.HighMessages.Count(m => m.Contains("] Succeeded in ", StringComparison.Ordinal)));
        Assert.Contains(run.HighMessages, m => m.StartsWith("All 2 prompts succeeded in ", StringComparison.Ordinal));
        // Relative to the project directory, not the current directory of the test process.
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "obj", "claude", "summary.json")), run.Log);
    }

    [Fact]
    public void Isolated_prompts_editing_the_same_lines_apply_one_and_fail_the_build_with_CCR010_at_the_other()
    {
        _scratch.WriteFile("a.txt", "one\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
        var promptsFile = _scratch.WriteFile("prompts.json", """
            {
              "prompts": [
                { "id": "first", "prompt": "Edit\n@fake write=a.txt:first" },
                { "id": "second", "prompt": "Edit\n@fake write=a.txt:second" }
              ]
            }
            """);
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" Isolation="worktree" ContinueOnError="ErrorAndContinue" {_scratch.FakeClaudeAttributes()}>
                  <Output TaskParameter="Results" ItemName="R" />
                </RunClaudeParallel>
                <Message Importance="high" Text="changed: %(R.Identity)=%(R.ChangedFiles) applied=%(R.ChangesApplied)" />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        var conflicted = Assert.Single(run.Errors);
        Assert.Equal(("CCR010", promptsFile, 4), (conflicted.Code, conflicted.File, conflicted.LineNumber));
        Assert.Contains("'second' Conflicted: Succeeded in its worktree, but its changes conflict with the main working tree in a.txt", conflicted.Message, StringComparison.Ordinal);
        Assert.Equal("first", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
        Assert.Contains("changed: first=a.txt applied=true", run.HighMessages);
        Assert.Equal(3, ScratchGit.Worktrees(_scratch.Directory).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_failing_prompt_fails_the_build_with_the_code_of_its_outcome_at_its_line_in_the_prompts_file()
    {
        var promptsFile = _scratch.WriteFile("prompts.json", """
            {
              "defaults": { "retries": 0 },
              "prompts": [
                "fine",
                { "id": "agent-fails", "prompt": "@fake is_error" },
                { "id": "rate-limited", "prompt": "@fake api_error=429" }
              ]
            }
            """);
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        Assert.Equal(2, run.Errors.Count);
        var failed = Assert.Single(run.Errors, e => e.Message!.Contains("'agent-fails'", StringComparison.Ordinal));
        Assert.Equal(("CCR001", promptsFile, 5), (failed.Code, failed.File, failed.LineNumber));
        var rateLimited = Assert.Single(run.Errors, e => e.Message!.Contains("'rate-limited'", StringComparison.Ordinal));
        Assert.Equal(("CCR002", promptsFile, 6), (rateLimited.Code, rateLimited.File, rateLimited.LineNumber));
        Assert.Contains(run.HighMessages, m => m.StartsWith("2 of 3 prompts failed in ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_claude_is_one_error_for_the_run_and_every_row_says_LaunchFailed()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ "one", "two", "three" ] }""");
        var run = _build.WithProject("""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" ClaudePath="claude-that-does-not-exist" />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Errors);
        Assert.Equal("CCR009", error.Code);
        Assert.StartsWith("'claude-that-does-not-exist' was not found on PATH.", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("No prompt ran: all 3 prompts are LaunchFailed.", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, run.HighMessages.Count(m => m.EndsWith("LaunchFailed: not started, claude was not found", StringComparison.Ordinal)));
        Assert.All(FakeClaudeScratch.SummaryPrompts(SummaryFile).Values, row => Assert.Equal("LaunchFailed", row.Outcome));
    }

    [Fact]
    public void Results_carry_the_peak_memory_and_CPU_time_of_each_prompts_process_tree()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "big", "prompt": "@fake allocate_mb=64 sleep=1500" } ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()}>
                  <Output TaskParameter="Results" ItemName="ClaudeResult" />
                </RunClaudeParallel>
                <Message Importance="high" Text="RESOURCES %(ClaudeResult.Identity) %(ClaudeResult.PeakMemoryMB) %(ClaudeResult.CpuSeconds)" />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        var figures = Assert.Single(run.HighMessages, m => m.StartsWith("RESOURCES big ", StringComparison.Ordinal)).Split(' ');
        // Present and plausible; the exact peak is proven on a fake clock (ResourceSamplerTests).
        Assert.InRange(double.Parse(figures[2], System.Globalization.CultureInfo.InvariantCulture), 1, 2048);
        Assert.InRange(double.Parse(figures[3], System.Globalization.CultureInfo.InvariantCulture), 0, 600);
    }

    [Fact]
    public void ContinueOnError_WarnAndContinue_turns_the_prompt_errors_into_warnings()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "agent-fails", "prompt": "@fake is_error" } ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" ContinueOnError="WarnAndContinue" {_scratch.FakeClaudeAttributes()} />
                <Message Importance="high" Text="after the task" />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Empty(run.Errors);
        Assert.Contains(run.Warnings, w => w.Code == "CCR001");
        Assert.Contains("after the task", run.HighMessages);
    }

    [Fact]
    public void MaxParallel_is_how_many_claude_processes_run_at_once()
    {
        // The barrier holds the first two until both run, so the limit is reached however slowly they start.
        var run = _build.WithProject($"""
              <ItemGroup>
                {string.Concat(Enumerable.Range(1, 5).Select(i => $"""<ClaudePrompt Include="p{i}" Prompt="@fake barrier=2 sleep=300" />"""))}
              </ItemGroup>
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" MaxParallel="2" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(5, _scratch.Invocations().Count);
        Assert.Equal(2, _scratch.MaxConcurrency());
    }

    [Fact]
    public void Items_that_name_files_become_one_prompt_per_file_with_its_path_in_the_text_and_the_results()
    {
        foreach (var name in new[] { "src/a.cs", "src/b.cs", "src/c.cs", "src/obj/skip.cs", "lib/extra.cs" })
        {
            _scratch.WriteFile(name, "class X {}");
        }

        var run = _build.WithProject($$"""
              <ItemGroup>
                <ClaudePrompt Include="src/**/*.cs" Exclude="src/obj/**" Prompt="Write unit tests for {file} (%(Filename))" />
                <ClaudePrompt Include="lib/extra.cs" Id="extra-tests" Prompt="Test {fileName} in {dir}" />
              </ItemGroup>
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" {{_scratch.FakeClaudeAttributes()}}>
                  <Output TaskParameter="Results" ItemName="ClaudeResult" />
                </RunClaudeParallel>
                <Message Importance="high" Text="RESULT %(ClaudeResult.Identity) %(ClaudeResult.Outcome)" />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(
            ["Test extra.cs in lib", "Write unit tests for src/a.cs (a)", "Write unit tests for src/b.cs (b)", "Write unit tests for src/c.cs (c)"],
            _scratch.Invocations().Select(i => System.Text.Encoding.UTF8.GetString(i.Prompt)).Order());
        var id = PromptIds.Derive("Write unit tests for {file} (a)");
        Assert.Contains($"RESULT {id}--src-a-cs Succeeded", run.HighMessages);
        // An item with Id metadata keeps that id exactly.
        Assert.Contains("RESULT extra-tests Succeeded", run.HighMessages);
    }

    [Fact]
    public void Inline_prompts_take_their_options_from_metadata_and_their_Results_reach_a_later_target()
    {
        var run = _build.WithProject($"""
              <ItemGroup>
                <ClaudePrompt Include="with-model" Prompt="@fake cost=0.5" Model="opus" MaxTurns="7" />
                <ClaudePrompt Include="plain" Prompt="hello" />
              </ItemGroup>
              <Target Name="RunPrompts">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" Model="haiku" {_scratch.FakeClaudeAttributes()}>
                  <Output TaskParameter="Results" ItemName="ClaudeResult" />
                </RunClaudeParallel>
              </Target>
              <Target Name="Build" DependsOnTargets="RunPrompts">
                <Message Importance="high" Text="RESULT %(ClaudeResult.Identity) %(ClaudeResult.Outcome) %(ClaudeResult.Succeeded) %(ClaudeResult.ExitCode) %(ClaudeResult.Attempts) %(ClaudeResult.CostUsd)" />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Contains("RESULT with-model Succeeded true 0 1 0.5", run.HighMessages);
        Assert.Contains("RESULT plain Succeeded true 0 1 0.0123", run.HighMessages);
        var invocations = _scratch.Invocations();
        var withModel = Assert.Single(invocations, i => i.Prompt.AsSpan().SequenceEqual("@fake cost=0.5"u8));
        Assert.Equal("opus", withModel.Args[withModel.Args.ToList().IndexOf("--model") + 1]);
        Assert.Equal("7", withModel.Args[withModel.Args.ToList().IndexOf("--max-turns") + 1]);
        var plain = Assert.Single(invocations, i => i.Prompt.AsSpan().SequenceEqual("hello"u8));
        Assert.Equal("haiku", plain.Args[plain.Args.ToList().IndexOf("--model") + 1]);
    }

    [Fact]
    public void The_prompt_option_parameters_become_claude_arguments_and_environment()
    {
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" ClaudePath="{FakeClaudeScratch.FakeClaudePath}"
                                   AllowedTools="Read;Bash(git diff:*)" DisallowedTools="Write" MaxTurns="7" MaxBudgetUsd="2.5"
                                   AppendSystemPrompt="Be brief; cite files." AdditionalArguments="--bare"
                                   EnvironmentVariables="{_scratch.EnvironmentItems()};CR_TEST_FLAVOUR=mint" />
              </Target>
              <ItemGroup>
                <ClaudePrompt Include="review" Prompt="@fake" />
              </ItemGroup>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        var invocation = Assert.Single(_scratch.Invocations());
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--max-turns", "7", "--max-budget-usd", "2.5", "--allowedTools", "Read", "Bash(git diff:*)",
             "--disallowedTools", "Write", "--append-system-prompt", "Be brief; cite files.", "--dangerously-skip-permissions", "--bare"],
            invocation.ArgsWithoutSession);
        Assert.Equal("mint", invocation.Env["CR_TEST_FLAVOUR"]);
    }

    [Fact]
    public void HeartbeatInterval_sets_how_often_progress_is_logged()
    {
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" HeartbeatInterval="100ms" {_scratch.FakeClaudeAttributes()} />
              </Target>
              <ItemGroup>
                <ClaudePrompt Include="slow" Prompt="@fake sleep=1500" />
              </ItemGroup>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Contains(run.HighMessages, m => m.StartsWith("0/1 done, 1 running", StringComparison.Ordinal));
    }

    [Fact]
    public void RetryTimeouts_retries_a_timed_out_prompt_after_at_most_MaxRetryDelay()
    {
        // No RetryDelay: the cap alone lowers the first delay (default 10s) to it.
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" Timeout="500ms" Retries="1" RetryTimeouts="true" MaxRetryDelay="40ms"
                                   ClaudePath="{FakeClaudeScratch.FakeClaudePath}" EnvironmentVariables="{_scratch.EnvironmentItems()}" />
              </Target>
              <ItemGroup>
                <ClaudePrompt Include="hangs" Prompt="@fake hang" />
              </ItemGroup>
            """).Build();

        // Whenever the timeout fires (even before the fake's Main), the attempt times out: the runner's own count is exact.
        Assert.False(run.Succeeded);
        Assert.Equal("CCR006", Assert.Single(run.Errors).Code);
        Assert.Equal(("TimedOut", 2), SummaryPrompt("hangs"));
        var retry = Assert.Single(run.HighMessages, m => m.StartsWith("[hangs] TimedOut: ", StringComparison.Ordinal));
        var delay = System.Text.RegularExpressions.Regex.Match(retry, @"Attempt 2/2 in (\d+)ms\.$");
        Assert.True(delay.Success && int.Parse(delay.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 40, retry);
    }

    [Fact]
    public async Task GracePeriod_is_how_long_claude_may_ignore_SIGTERM_before_it_is_killed()
    {
        // Longer than the 5 s default, so only a grace period that reached the engine holds the prompt this long.
        // The build is cancelled once the fake is ready, so SIGTERM surely meets ignore_sigterm.
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" GracePeriod="7s" ClaudePath="{FakeClaudeScratch.FakeClaudePath}"
                                   EnvironmentVariables="{_scratch.EnvironmentItems("hang ignore_sigterm")}" />
              </Target>
              <ItemGroup>
                <ClaudePrompt Include="stubborn" Prompt="stubborn" />
              </ItemGroup>
            """).Start();
        try
        {
            var fake = Assert.Single(await _scratch.WaitForReadyAsync(1));
            run.Cancel();
            run.Wait();

            Assert.False(run.Succeeded);
            Assert.False(ProcessProbe.IsAlive(fake), "claude outlived the build");
            var prompt = FakeClaudeScratch.SummaryPrompts(SummaryFile)["stubborn"];
            Assert.Equal("Cancelled", prompt.Outcome);
            Assert.InRange(prompt.DurationMs, 7000, long.MaxValue);
        }
        finally
        {
            run.Cancel();
            run.Wait();
        }
    }

    [Fact]
    public void A_bad_prompts_file_is_an_error_with_line_and_column_and_starts_no_claude()
    {
        var promptsFile = _scratch.WriteFile("prompts.json", """
            {
              "prompts": [
                "fine",
                { "prompt": "x", "modle": "opus" }
              ]
            }
            """);
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Errors);
        Assert.Equal(("CCR100", promptsFile, 4), (error.Code, error.File, error.LineNumber));
        Assert.True(error.ColumnNumber > 0, run.Log);
        Assert.Contains("modle", error.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public void No_prompts_is_an_error_at_the_task()
    {
        var run = _build.WithProject("""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="@(Nothing)" />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Errors);
        Assert.Equal(("CCR101", _build.ProjectFile, 7), (error.Code, error.File, error.LineNumber));
    }

    [Fact]
    public void Invalid_parameters_are_errors_and_start_no_claude()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ "fine" ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" Timeout="soon" MaxParallel="0" EnvironmentVariables="NOEQUALS" ClaudePath="{FakeClaudeScratch.FakeClaudePath}" />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        Assert.Equal(3, run.Errors.Count(e => e.Code == "CCR102"));
        Assert.Contains(run.Errors, e => e.Message!.Contains("Timeout", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.Message!.Contains("MaxParallel", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.Message!.Contains("NOEQUALS", StringComparison.Ordinal));
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public void DryRun_logs_each_planned_command_and_starts_nothing()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "review", "prompt": "Review it", "model": "opus" } ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" DryRun="true" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Contains(run.HighMessages, m => m.StartsWith("review: ", StringComparison.Ordinal) && m.Contains("  # timeout 30m00s, 2 retries, in ", StringComparison.Ordinal) && m.Contains("--model opus", StringComparison.Ordinal));
        Assert.Contains("Dry run: 1 prompt planned, none started.", run.HighMessages);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task Cancelling_the_build_stops_every_claude_and_still_writes_the_summary()
    {
        var build = _build.WithProject($"""
              <ItemGroup>
                <ClaudePrompt Include="hangs" Prompt="@fake hang" />
                <ClaudePrompt Include="hangs-with-grandchild" Prompt="@fake grandchild hang" />
                <ClaudePrompt Include="queued" Prompt="never starts" />
              </ItemGroup>
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" MaxParallel="2" LogDirectory="logs" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """);
        var run = build.Start();
        IReadOnlyList<FakeInvocation> invocations = [];
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((invocations = _scratch.Invocations()).Count < 2 || !Directory.EnumerateFiles(_scratch.RecordDirectory, "*.grandchild").Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "claude was not started within 60 s.\n" + run.Log);
                await Task.Delay(50);
            }

            run.Cancel();
            run.Wait();

            Assert.False(run.Succeeded);
            invocations = _scratch.Invocations();
            Assert.Equal(2, invocations.Count);
            Assert.All(invocations, i => Assert.False(ProcessProbe.IsAlive(i.Pid), $"claude {i.Pid} outlived the build"));
            var grandchild = Assert.Single(invocations, i => i.GrandchildPid is not null).GrandchildPid!.Value;
            Assert.False(ProcessProbe.IsAlive(grandchild), "the grandchild outlived the build");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.Directory, "logs", "summary.json")));
            Assert.Equal(3, summary.RootElement.GetProperty("prompts").GetArrayLength());
        }
        finally
        {
            run.Cancel();
            run.Wait();
            foreach (var pid in invocations.SelectMany(i => new[] { i.Pid, i.GrandchildPid ?? 0 }).Where(pid => pid > 0 && ProcessProbe.IsAlive(pid)))
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void The_ClaudePrompts_items_run_after_Build_and_a_second_build_runs_only_the_prompts_whose_text_or_options_changed()
    {
        var promptsFile = _scratch.WriteFile("prompts.json", """{ "prompts": [ "first" ] }""");
        var build = _build.WithProject($"""
              <PropertyGroup>
                <RunClaudeOnBuild>true</RunClaudeOnBuild>
                <ClaudePath>{FakeClaudeScratch.FakeClaudePath}</ClaudePath>
                <ClaudeEnvironmentVariables>{_scratch.EnvironmentItems()}</ClaudeEnvironmentVariables>
              </PropertyGroup>
              <ItemGroup>
                <ClaudePrompts Include="prompts.json" />
              </ItemGroup>
              <Target Name="Build" />
            """);

        var first = build.Build();
        Assert.True(first.Succeeded, first.Log);
        Assert.Single(_scratch.Invocations());

        var unchanged = build.Build();
        Assert.True(unchanged.Succeeded, unchanged.Log);
        Assert.Single(_scratch.Invocations());
        Assert.Contains(unchanged.HighMessages, m => m.StartsWith($"{PromptIds.Derive("first")} up to date (succeeded ", StringComparison.Ordinal));

        // Per prompt, not per file: the prompt added to the file runs, the other stays up to date.
        File.WriteAllText(promptsFile, """{ "prompts": [ "first", "second" ] }""");
        Assert.True(build.Build().Succeeded);
        Assert.Equal(2, _scratch.Invocations().Count);

        build.GlobalProperties["ClaudeModel"] = "opus";
        Assert.True(build.Build().Succeeded);
        Assert.Equal(4, _scratch.Invocations().Count);

        build.GlobalProperties["ClaudeForce"] = "true";
        Assert.True(build.Build().Succeeded);
        Assert.Equal(6, _scratch.Invocations().Count);
    }

    [Fact]
    public void The_declarative_target_passes_the_Claude_properties_of_every_option_to_the_task()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "answers", "prompt": "@fake" }, { "id": "hangs", "prompt": "@fake hang", "timeout": "500ms" } ] }""");
        var build = _build.WithProject($"""
              <PropertyGroup>
                <RunClaudeOnBuild>true</RunClaudeOnBuild>
                <ClaudePath>{FakeClaudeScratch.FakeClaudePath}</ClaudePath>
                <ClaudeEnvironmentVariables>{_scratch.EnvironmentItems()}</ClaudeEnvironmentVariables>
                <ClaudeAllowedTools>Read</ClaudeAllowedTools>
                <ClaudeDisallowedTools>Write</ClaudeDisallowedTools>
                <ClaudeMaxTurns>3</ClaudeMaxTurns>
                <ClaudeMaxBudgetUsd>1.5</ClaudeMaxBudgetUsd>
                <ClaudeAppendSystemPrompt>Be brief.</ClaudeAppendSystemPrompt>
                <ClaudeAdditionalArguments>--bare</ClaudeAdditionalArguments>
                <ClaudeRetries>1</ClaudeRetries>
                <ClaudeRetryTimeouts>true</ClaudeRetryTimeouts>
                <ClaudeMaxRetryDelay>40ms</ClaudeMaxRetryDelay>
                <ClaudeGracePeriod>1s</ClaudeGracePeriod>
                <ClaudeHeartbeatInterval>100ms</ClaudeHeartbeatInterval>
                <ClaudeLogDirectory>logs</ClaudeLogDirectory>
              </PropertyGroup>
              <ItemGroup>
                <ClaudePrompts Include="prompts.json" />
              </ItemGroup>
              <Target Name="Build" />
            """);
        foreach (var name in new[] { "ClaudeMaxRetryDelay", "ClaudeGracePeriod", "ClaudeHeartbeatInterval" })
        {
            build.GlobalProperties[name] = "soon";
        }

        var invalid = build.Build();

        Assert.Equal(["GracePeriod", "HeartbeatInterval", "MaxRetryDelay"], invalid.Errors.Where(e => e.Code == "CCR102").Select(e => e.Message!.Split(' ')[0]).Order());
        Assert.Empty(_scratch.Invocations());

        build.GlobalProperties.Clear();
        var run = build.Build();

        Assert.Equal("CCR006", Assert.Single(run.Errors).Code);
        // Retries and RetryTimeouts reached the engine: the timed-out prompt ran twice, whenever its timeout fired.
        Assert.Equal(("TimedOut", 2), SummaryPrompt("hangs", Path.Combine(_scratch.Directory, "logs", "summary.json")));
        var answers = Assert.Single(_scratch.Invocations(), i => i.Prompt.AsSpan().SequenceEqual("@fake"u8));
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--max-turns", "3", "--max-budget-usd", "1.5", "--allowedTools", "Read",
             "--disallowedTools", "Write", "--append-system-prompt", "Be brief.", "--dangerously-skip-permissions", "--bare"],
            answers.ArgsWithoutSession);
        // Two timeouts of 500 ms: the run lasts at least 1 s, ten heartbeats.
        Assert.Contains(run.HighMessages, m => m.Contains(" done, ", StringComparison.Ordinal) && m.Contains(" running", StringComparison.Ordinal));
    }
}
