using System.Text.Json;
using System.Text.RegularExpressions;
using Build;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using ClaudeRunner;
using ClaudeRunner.Tests;

namespace Cake.ClaudeRunner.Tests;

[Collection(nameof(CakeCollection))]
public sealed class RunClaudeParallelTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_task_running_a_prompts_file_succeeds_and_returns_every_result()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": ["@fake cost=0.5\nfirst", { "id": "second", "prompt": "@fake text=\"done\"\nsecond" }] }""");
        RunSummary? summary = null;

        var report = await cake.RunTaskAsync(context => summary = context.RunClaudeParallel("prompts.json", Settings()));

        Assert.Equal(CakeTaskExecutionStatus.Executed, Assert.Single(report).ExecutionStatus);
        Assert.NotNull(summary);
        Assert.Equal([Outcome.Succeeded, Outcome.Succeeded], summary.Results.Select(r => r.Outcome));
        Assert.Equal("done", summary.Results[1].ResultText);
        Assert.Equal(0.5m + 0.0123m, summary.TotalCostUsd);
        Assert.Equal(2, _scratch.Invocations().Count);
        Assert.True(File.Exists(summary.SummaryFile));
    }

    [Fact]
    public async Task Isolated_prompts_editing_the_same_lines_apply_one_and_fail_the_task_naming_the_Conflicted_one()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("a.txt", "one\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": [{ "id": "first", "prompt": "Edit\n@fake write=a.txt:first" }, { "id": "second", "prompt": "Edit\n@fake write=a.txt:second" }] }""");

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel("prompts.json", Settings().WithIsolation(WorktreeIsolation.Worktree)));

        Assert.Contains("1 of 2 prompts failed: second (Conflicted: Succeeded in its worktree, but its changes conflict with the main working tree in a.txt", failure.Message, StringComparison.Ordinal);
        Assert.Equal("first", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
        Assert.Equal(3, ScratchGit.Worktrees(_scratch.Directory).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_file_list_runs_one_prompt_per_file_with_the_path_in_its_text_and_id()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        foreach (var name in new[] { "src/a.cs", "src/b.cs", "src/c.cs" })
        {
            _scratch.WriteFile(name, "class X {}");
        }

        RunSummary? summary = null;
        await cake.RunTaskAsync(context => summary = context.RunClaudeParallel(
            context.Globber.GetFiles("src/**/*.cs"), file => $"Write unit tests for {file} {{braces stay}}", Settings()));

        Assert.Equal(["src-a-cs", "src-b-cs", "src-c-cs"], summary!.Results.Select(r => r.Id));
        Assert.Equal(
            ["Write unit tests for src/a.cs {braces stay}", "Write unit tests for src/b.cs {braces stay}", "Write unit tests for src/c.cs {braces stay}"],
            _scratch.Invocations().Select(i => System.Text.Encoding.UTF8.GetString(i.Prompt)).Order());
    }

    [Fact]
    public async Task A_second_run_with_nothing_changed_starts_no_claude_and_returns_up_to_date_results()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": [{ "id": "a", "prompt": "@fake text=\"kept\"\nfirst" }] }""");
        RunSummary? summary = null;

        await cake.RunTaskAsync(context => context.RunClaudeParallel("prompts.json", Settings()));
        await cake.RunTaskAsync(context => summary = context.RunClaudeParallel("prompts.json", Settings()));

        var result = Assert.Single(summary!.Results);
        Assert.Equal((Outcome.UpToDate, "kept"), (result.Outcome, result.ResultText));
        Assert.Single(_scratch.Invocations());
        Assert.Contains(cake.Log.Lines, l => l.Text.StartsWith("a up to date (succeeded ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_prompt_fails_the_task_with_its_id_and_outcome_after_the_others_finished()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": [{ "id": "broken-one", "prompt": "@fake is_error" }, { "id": "fine-one", "prompt": "@fake sleep=300" }] }""");

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel("prompts.json", Settings()));

        var message = failure.Message;
        Assert.Contains("1 of 2 prompts failed: broken-one (Failed:", message, StringComparison.Ordinal);
        Assert.DoesNotContain("fine-one (", message, StringComparison.Ordinal);
        Assert.Equal(2, _scratch.Invocations().Count(i => i.End is not null));
        Assert.Contains(cake.Log.Lines, l => l.Level == LogLevel.Error && l.Text.StartsWith("[broken-one] Failed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_claude_is_one_error_for_the_run_and_every_row_says_LaunchFailed()
    {
        using var cake = new CakeHarness(_scratch.Directory);

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel(["one", "two", "three"], Settings().WithClaudePath("claude-that-does-not-exist")));

        Assert.StartsWith("3 of 3 prompts failed: claude was not found (LaunchFailed).", failure.Message, StringComparison.Ordinal);
        // The other error line is Cake's own report of the task's failure.
        var error = Assert.Single(cake.Log.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("install", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("'claude-that-does-not-exist' was not found on PATH.", error.Text, StringComparison.Ordinal);
        Assert.EndsWith("No prompt ran: all 3 prompts are LaunchFailed.", error.Text, StringComparison.Ordinal);
        Assert.Equal(3, cake.Log.Lines.Count(l => l.Text.EndsWith("LaunchFailed: not started, claude was not found", StringComparison.Ordinal)));
        Assert.All(FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.LogDirectory, "summary.json")).Values, row => Assert.Equal("LaunchFailed", row.Outcome));
    }

    [Fact]
    public async Task Settings_become_the_claude_arguments_and_environment()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        var settings = Settings()
            .WithModel("opus")
            .WithAllowedTools("Read", "Bash(git diff:*)")
            .WithDisallowedTools("Write")
            .WithMaxTurns(7)
            .WithMaxBudgetUsd(2.5m)
            .WithAppendSystemPrompt("Be brief.")
            .WithPermissionMode("plan")
            .WithAdditionalArguments("--bare")
            .WithEnvironmentVariable("CR_TEST_FLAVOUR", "mint");

        await cake.RunTaskAsync(context => context.RunClaudeParallel(["@fake\nreview"], settings));

        var invocation = Assert.Single(_scratch.Invocations());
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--model", "opus", "--max-turns", "7", "--max-budget-usd", "2.5", "--allowedTools", "Read", "Bash(git diff:*)",
             "--disallowedTools", "Write", "--append-system-prompt", "Be brief.", "--permission-mode", "plan", "--bare"],
            invocation.ArgsWithoutSession);
        Assert.Equal("mint", invocation.Env["CR_TEST_FLAVOUR"]);
    }

    [Fact]
    public async Task Skip_permissions_is_passed_by_default_and_can_be_turned_off()
    {
        using var cake = new CakeHarness(_scratch.Directory);

        await cake.RunTaskAsync(context => context.RunClaudeParallel(["@fake\none"], Settings()));
        await cake.RunTaskAsync(context => context.RunClaudeParallel(["@fake\ntwo"], Settings().WithDangerouslySkipPermissions(false)));

        var invocations = _scratch.Invocations();
        Assert.Equal([true, false], invocations.Select(i => i.Args.Contains("--dangerously-skip-permissions")));
    }

    [Fact]
    public async Task Relative_paths_resolve_against_Cakes_working_directory()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("nested/prompts.json", """{ "prompts": [{ "id": "only", "prompt": "@fake" }] }""");
        var settings = Settings();
        settings.LogDirectory = "out/logs";
        settings.JUnitFile = "out/report.xml";

        await cake.RunTaskAsync(context => context.RunClaudeParallel(new FilePath("nested/prompts.json"), settings));

        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "out", "logs", "only.log")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "out", "logs", "summary.json")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "out", "report.xml")));
    }

    [Fact]
    public async Task The_log_has_start_and_finish_lines_at_normal_verbosity_and_commands_only_when_verbose()
    {
        using var normal = new CakeHarness(_scratch.Directory);
        await normal.RunTaskAsync(context => context.RunClaudeParallel(["@fake\nhello"], Settings().WithMaxParallel(3)));

        var lines = normal.Log.Lines.Select(l => l.Text).ToList();
        Assert.Contains(lines, l => l.StartsWith("Running 1 prompt with Claude, at most 3 at once; logs in ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("] started", StringComparison.Ordinal));
        // The finish line carries what claude's process tree used (sampled on Linux).
        Assert.Contains(lines, l => Regex.IsMatch(l, OperatingSystem.IsLinux() ? @"\] succeeded in .*, peak memory \d+\.\d MB, CPU \d+\.\d{3} s$" : @"\] succeeded in "));
        Assert.Contains(lines, l => l.StartsWith("All 1 prompt succeeded in ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("--output-format", StringComparison.Ordinal));

        using var verbose = new CakeHarness(_scratch.Directory, Verbosity.Verbose);
        // Forced: the prompt succeeded above and would be up to date, with no command to log.
        await verbose.RunTaskAsync(context => context.RunClaudeParallel(["@fake\nhello"], Settings().WithForce()));
        Assert.Contains(verbose.Log.Lines, l => l.Text.Contains("-p --output-format stream-json --verbose", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Child_output_with_braces_is_logged_verbatim_at_diagnostic_verbosity()
    {
        using var cake = new CakeHarness(_scratch.Directory, Verbosity.Diagnostic);

        await cake.RunTaskAsync(context => context.RunClaudeParallel(["@fake stderr=\"warning {0} {not a format}\"\nbraces"], Settings()));

        Assert.Contains(cake.Log.Lines, l => l.Level == LogLevel.Debug && l.Text.EndsWith("warning {0} {not a format}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retried_prompt_logs_a_warning_and_succeeds()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        RunSummary? summary = null;

        await cake.RunTaskAsync(context => summary = context.RunClaudeParallel(["@fake fail_first=1\nflaky"], Settings().WithRetries(1).WithRetryDelay(TimeSpan.FromMilliseconds(10))));

        Assert.Equal(2, Assert.Single(summary!.Results).Attempts);
        Assert.Contains(cake.Log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("Overloaded", StringComparison.Ordinal) && l.Text.Contains("attempt 2/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HeartbeatInterval_sets_how_often_progress_is_logged()
    {
        using var cake = new CakeHarness(_scratch.Directory);

        await cake.RunTaskAsync(context => context.RunClaudeParallel(["@fake sleep=1500\nslow"], Settings().WithHeartbeatInterval(TimeSpan.FromMilliseconds(100))));

        Assert.Contains(cake.Log.Lines, l => l.Level == LogLevel.Information && l.Text.StartsWith("0/1 done, 1 running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetryTimeouts_retries_a_timed_out_prompt_after_at_most_MaxRetryDelay()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        // No RetryDelay: the cap alone lowers the first delay (default 10 s) to it.
        var settings = Settings().WithTimeout(TimeSpan.FromMilliseconds(500)).WithRetries(1).WithRetryTimeouts().WithMaxRetryDelay(TimeSpan.FromMilliseconds(40));

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel(["@fake hang\nhangs"], settings));

        // Whenever the timeout fires (even before the fake's Main), the attempt times out: the runner's own count is exact.
        Assert.Contains("(TimedOut:", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.LogDirectory, "summary.json")).Values).Attempts);
        var retry = Assert.Single(cake.Log.Lines, l => l.Level == LogLevel.Warning).Text;
        var delay = System.Text.RegularExpressions.Regex.Match(retry, @"TimedOut: .*; attempt 2/2 in (\d+)ms$");
        Assert.True(delay.Success && int.Parse(delay.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 40, retry);
    }

    [Fact]
    public async Task GracePeriod_is_how_long_claude_may_ignore_SIGTERM_before_it_is_killed()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        // Longer than the 5 s default, so only a grace period that reached the engine holds the prompt this long.
        var settings = Settings().WithGracePeriod(TimeSpan.FromSeconds(7));
        settings.EnvironmentVariables["FAKE_CLAUDE_SCRIPT"] = "hang ignore_sigterm";
        // Off this thread: Cake may run the task before RunTargetAsync returns.
        var task = Task.Run(() => TaskFailureAsync(cake, context => context.RunClaudeParallel(["stubborn"], settings)));

        // Cake's only cancellation is a signal to its process: this one, sent once the fake surely ignores SIGTERM.
        var fake = Assert.Single(await _scratch.WaitForReadyAsync(1));
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var failure = await task;

        Assert.StartsWith("The Claude run was cancelled by SIGTERM", failure.Message, StringComparison.Ordinal);
        Assert.False(ProcessProbe.IsAlive(fake), "claude outlived the run");
        var prompt = Assert.Single(FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.LogDirectory, "summary.json")).Values);
        Assert.Equal("Cancelled", prompt.Outcome);
        Assert.InRange(prompt.DurationMs, 7000, long.MaxValue);
    }

    [Fact]
    public async Task A_dry_run_logs_each_command_and_starts_nothing()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": [{ "id": "planned", "prompt": "@fake\none", "model": "haiku" }, "two"] }""");
        RunSummary? summary = null;

        await cake.RunTaskAsync(context => summary = context.RunClaudeParallel("prompts.json", settings => Configure(settings).WithDryRun()));

        Assert.Empty(summary!.Results);
        Assert.Contains(cake.Log.Lines, l => l.Text == "Dry run: 2 prompts planned, none started.");
        Assert.Contains(cake.Log.Lines, l => l.Text.StartsWith("planned: ", StringComparison.Ordinal) && l.Text.Contains("--model haiku", StringComparison.Ordinal));
        Assert.Empty(_scratch.Invocations());
        Assert.False(Directory.Exists(_scratch.LogDirectory));
    }

    [Fact]
    public async Task Invalid_prompts_fail_the_task_with_the_file_line_and_column_and_nothing_runs()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        var file = _scratch.WriteFile("prompts.json", "{ \"prompts\": [\n  \"ok\",\n  { \"prompt\": \"x\", \"colour\": \"red\" }\n] }");

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel("prompts.json", Settings()));

        Assert.Contains($"{file}(3,", failure.Message, StringComparison.Ordinal);
        Assert.Contains("colour", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task With_fail_fast_the_prompts_never_started_are_named_as_such()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        var settings = Settings().WithMaxParallel(1).WithFailFast();

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel(["@fake exit=3\nfirst", "@fake\nsecond", "@fake\nthird"], settings));

        Assert.Matches(@"3 of 3 prompts failed: fake-exit-3-first-\w+ \(Failed: [^;]*; not started: fake-second-\w+, fake-third-\w+\.", failure.Message);
        Assert.Single(_scratch.Invocations());
    }

    [Fact]
    public async Task A_Frosting_style_context_runs_the_Frosting_examples_steps()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": ["@fake\nfrom frosting"] }""");
        _scratch.WriteFile("src/A.cs", "class A {}");
        RunSummary? prompts = null, review = null;

        await cake.RunTaskAsync(context =>
        {
            var frosting = new FrostingStyleContext(context);
            prompts = ClaudeSteps.RunPrompts(frosting, "prompts.json", Settings());
            review = ClaudeSteps.ReviewFiles(frosting, [new FilePath("src/A.cs").MakeAbsolute(frosting.Environment)], maxParallel: 2, settings => Configure(settings));
        });

        Assert.True(prompts!.AllSucceeded);
        Assert.Contains(cake.Log.Lines, l => l.Text.StartsWith("All 1 prompt succeeded in ", StringComparison.Ordinal) && l.Text.Contains('$', StringComparison.Ordinal));
        Assert.True(review!.AllSucceeded);
        var reviewCall = _scratch.Invocations().Single(i => i.Args.Contains("--permission-mode"));
        Assert.Equal(["plan"], reviewCall.Args.SkipWhile(a => a != "--permission-mode").Skip(1).Take(1));
        Assert.Contains("Review ", System.Text.Encoding.UTF8.GetString(reviewCall.Prompt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_review_logs_each_finding_as_a_file_line_diagnostic_and_fails_the_task_on_an_error()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        var source = _scratch.WriteFile("src/auth.cs", "class Auth\n{\n}\n");
        const string Output = """{"findings":[{"file":"src/auth.cs","line":2,"column":5,"severity":"error","message":"Null."},{"file":"src/auth.cs","line":1,"severity":"warning","message":"Name."}]}""";
        var prompt = FakeClaudeScratch.PromptWithOutput(Output);
        var promptsFile = _scratch.WriteFile("prompts.json", $$"""{ "prompts": [{ "id": "review", "prompt": {{prompt}} }] }""");

        var failure = await TaskFailureAsync(cake, context => context.RunClaudeParallel("prompts.json", Settings().WithFindings()));

        Assert.Contains("review (FindingsReported: 1 finding at or above error (FailOn): 1 error, 1 warning, 0 notes.)", failure.Message, StringComparison.Ordinal);
        Assert.Contains((LogLevel.Error, $"{source}(2,5): error CCR200: [review] Null. [{promptsFile}]"), cake.Log.Lines);
        Assert.Contains((LogLevel.Warning, $"{source}(1): warning CCR201: [review] Name. [{promptsFile}]"), cake.Log.Lines);
        Assert.Contains((LogLevel.Information, "findings: 1 error, 1 warning, 0 notes"), cake.Log.Lines);
    }

    [Fact]
    public async Task The_structured_output_of_a_prompt_with_a_schema_is_a_JsonElement_in_the_returned_summary()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("answer.schema.json", """{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}""");
        _scratch.WriteFile("prompts.json", """{ "prompts": [{ "id": "q", "prompt": "@fake output={\"answer\":42}\nWhat is it?" }] }""");
        RunSummary? summary = null;

        await cake.RunTaskAsync(context => summary = context.RunClaudeParallel("prompts.json", Settings().WithOutputSchema("answer.schema.json")));

        Assert.Equal(42, summary!.Results[0].Output!.Value.GetProperty("answer").GetInt32());
        Assert.True(File.Exists(summary.Results[0].OutputFile));
    }

    /// <summary>Runs a task that must fail, and returns what the alias threw (the engine wraps it in its report).</summary>
    private static async Task<CakeException> TaskFailureAsync(CakeHarness cake, Action<ICakeContext> action)
    {
        var report = await Assert.ThrowsAsync<CakeReportException>(() => cake.RunTaskAsync(action));
        return Assert.IsType<CakeException>(report.InnerException);
    }

    private ClaudeRunnerSettings Settings() => Configure(new ClaudeRunnerSettings());

    /// <summary>FakeClaude as claude, its records in the scratch directory, no retries.</summary>
    private ClaudeRunnerSettings Configure(ClaudeRunnerSettings settings)
    {
        settings.ClaudePath = FakeClaudeScratch.FakeClaudePath;
        settings.LogDirectory ??= _scratch.LogDirectory;
        settings.Retries ??= 0;
        foreach (var (name, value) in _scratch.Environment)
        {
            settings.EnvironmentVariables[name] = value;
        }

        return settings;
    }
}
