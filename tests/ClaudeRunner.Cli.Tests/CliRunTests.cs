using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeRunner.Tests;

/// <summary>claude-runner run as a process against FakeClaude: inputs, exit codes, plain output, signals.</summary>
public sealed partial class CliRunTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_prompts_file_runs_every_prompt_and_exits_0()
    {
        _scratch.WriteFile("prompts.json", """{"prompts": ["first", {"id": "second", "prompt": "second"}]}""");

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("All 2 prompts succeeded", result.OutputLines[^1]);
        Assert.Equal(["first", "second"], _scratch.Invocations().Select(PromptText).Order());
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")), "the default log directory is claude-logs under the current directory");
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task Prompt_and_foreach_run_one_prompt_per_matching_file_without_a_prompts_file()
    {
        foreach (var name in new[] { "src/a.cs", "src/b.cs", "src/c.cs", "src/obj/skip.cs" })
        {
            _scratch.WriteFile(name, "class X {}");
        }

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "--prompt", "Write unit tests for {file}", "--foreach", "src/**/*.cs", "--foreach", "!**/obj/**", "--dry-run");
        var run = await CliProcess.RunWithFakeAsync(_scratch, null, "--prompt", "Write unit tests for {file}", "--foreach", "src/**/*.cs", "--foreach", "!**/obj/**");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.OutputLines.Count(line => line.Contains("--src-", StringComparison.Ordinal)));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("All 3 prompts succeeded", run.OutputLines[^1]);
        Assert.Equal(["Write unit tests for src/a.cs", "Write unit tests for src/b.cs", "Write unit tests for src/c.cs"], _scratch.Invocations().Select(PromptText).Order());
    }

    [Fact]
    public async Task Isolated_prompts_editing_the_same_lines_apply_one_and_exit_1_with_the_other_Conflicted()
    {
        _scratch.WriteFile("a.txt", "one\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """
            {"prompts": [
              {"id": "first", "prompt": "Edit\n@fake write=a.txt:first"},
              {"id": "second", "prompt": "Edit\n@fake write=a.txt:second"},
              {"id": "patch-only", "prompt": "Add\n@fake write=b.txt:kept", "applyChanges": false}
            ]}
            """);

        var dryRun = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json", "--isolation", "worktree", "--dry-run");
        var run = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json", "--isolation", "worktree");

        Assert.Contains("in . of a git worktree of", dryRun.Output, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("second: Conflicted: Succeeded in its worktree, but its changes conflict with the main working tree in a.txt", run.Output, StringComparison.Ordinal);
        // Said when claude is done with it, before the end of the run applies the changes (the plain form of the progress).
        Assert.Contains(run.OutputLines, line => line.EndsWith("] second succeeded in its worktree; its changes are applied at the end of the run", StringComparison.Ordinal));
        Assert.Equal("first", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
        Assert.False(File.Exists(Path.Combine(_scratch.Directory, "b.txt")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "claude-logs", "patch-only.patch")));
        Assert.Equal($"worktree {_scratch.Directory}", ScratchGit.Worktrees(_scratch.Directory).Split('\n')[0]);
        Assert.Equal(3, ScratchGit.Worktrees(_scratch.Directory).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Isolation_started_from_a_git_hook_works_on_the_repository_around_it_not_the_one_the_hooks_variables_name()
    {
        // A hook exports GIT_DIR, GIT_INDEX_FILE (and git sets GIT_WORK_TREE for some): another repository here.
        var other = Path.Combine(_scratch.Directory, "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "o.txt"), "other\n");
        ScratchGit.InitWithCommit(other);
        _scratch.WriteFile("a.txt", "one\n");
        _scratch.WriteFile(".gitignore", "other/\nclaude-logs/\nlogs/\nrecords/\nstate/\n");
        ScratchGit.Run(_scratch.Directory, "init", "-q", "-b", "main");
        ScratchGit.Run(_scratch.Directory, "add", "--all");
        ScratchGit.Run(_scratch.Directory, "commit", "-q", "-m", "base");
        var hook = new Dictionary<string, string>(_scratch.Environment)
        {
            ["GIT_DIR"] = Path.Combine(other, ".git"),
            ["GIT_INDEX_FILE"] = Path.Combine(other, ".git", "index"),
            ["GIT_WORK_TREE"] = other,
        };
        var prompts = """{"prompts": [{"id": "edit", "prompt": "Edit\n@fake write=a.txt:changed print_env=GIT_DIR"}]}""";

        var run = await CliProcess.RunAsync(_scratch.Directory, hook, prompts, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--isolation", "worktree");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("changed", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
        Assert.Equal(string.Empty, ScratchGit.Run(other, "status", "--porcelain"));
        Assert.Single(ScratchGit.Worktrees(other).Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("worktree ", StringComparison.Ordinal));
        Assert.Contains("GIT_DIR=<unset>", File.ReadAllText(Path.Combine(_scratch.Directory, "claude-logs", "edit.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreach_that_matches_nothing_succeeds_with_nothing_to_do()
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "--prompt", "Review {file}", "--foreach", "src/**/*.cs");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Nothing to do: no prompt to run", result.OutputLines[^1]);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_second_run_with_nothing_changed_starts_no_claude_and_says_each_prompt_is_up_to_date()
    {
        _scratch.WriteFile("prompts.json", """{"prompts": [{"id": "a", "prompt": "first"}, {"id": "b", "prompt": "second"}]}""");
        await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json");

        var again = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json");
        var forced = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json", "--force");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("All 2 prompts succeeded (2 up to date)", again.OutputLines[^1]);
        Assert.Contains(again.OutputLines, line => Regex.IsMatch(line, @"\] a up to date \(succeeded \d{4}-\d\d-\d\d \d\d:\d\d\)$"));
        Assert.Equal("All 2 prompts succeeded", forced.OutputLines[^1]);
        Assert.Equal(4, _scratch.Invocations().Count);
    }

    [Fact]
    public async Task Standard_input_is_read_when_no_file_is_given()
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":["a","b"]}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("All 2 prompts succeeded", result.OutputLines[^1]);
        Assert.Equal(["a", "b"], _scratch.Invocations().Select(PromptText).Order());
    }

    [Fact]
    public async Task A_dash_reads_standard_input_beside_files()
    {
        _scratch.WriteFile("one.json", """{"prompts": ["from one"]}""");
        _scratch.WriteFile("two.json", """{"prompts": ["from two", "also two"]}""");

        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":["from stdin"]}""", "one.json", "-", "two.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("All 4 prompts succeeded", result.OutputLines[^1]);
        Assert.Equal(["also two", "from one", "from stdin", "from two"], _scratch.Invocations().Select(PromptText).Order());
    }

    [Fact]
    public async Task A_failed_prompt_exits_1_and_names_its_log()
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":[{"id":"good","prompt":"fine"},{"id":"bad","prompt":"@fake is_error"}]}""");

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.OutputLines;
        Assert.Equal("1 of 2 prompts failed", lines[^2]);
        Assert.StartsWith("  bad: Failed: ", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith($"(log: {Path.Combine(_scratch.Directory, "claude-logs", "bad.log")})", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CLI_without_ICU_derives_the_ids_the_engine_derives_under_a_host_with_it()
    {
        // This test process normalises with ICU, as MSBuild and Cake do; the native CLI runs with InvariantGlobalization.
        Assert.Equal(2, "é".Normalize(System.Text.NormalizationForm.FormD).Length);
        string[] texts = ["Café déjà vu", "Straße ﬁx ①", "Привет, мир", "日本語"];

        var result = await CliProcess.RunAsync(_scratch, JsonSerializer.Serialize(new { prompts = texts }), "--claude", FakeClaudeScratch.FakeClaudePath);

        Assert.True(result.ExitCode == 0, result.ToString());
        var ids = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")).Keys;
        Assert.Equal(texts.Select(text => PromptIds.Derive(text)).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Contains(ids, id => id.StartsWith("cafe-deja-vu-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_claude_is_one_error_for_the_run_and_every_row_says_LaunchFailed()
    {
        var result = await CliProcess.RunAsync(_scratch, """{"prompts":["one","two","three"]}""", "--claude", "claude-that-does-not-exist");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(1, result.OutputLines.Count(line => line.Contains("npm install", StringComparison.Ordinal)));
        Assert.Equal("3 of 3 prompts failed", result.OutputLines[^2]);
        Assert.StartsWith("  'claude-that-does-not-exist' was not found on PATH.", result.OutputLines[^1], StringComparison.Ordinal);
        Assert.EndsWith("No prompt ran: all 3 prompts are LaunchFailed.", result.OutputLines[^1], StringComparison.Ordinal);
        Assert.Equal(3, result.OutputLines.Count(line => line.EndsWith("LaunchFailed: not started, claude was not found", StringComparison.Ordinal)));
        Assert.All(FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")).Values, row => Assert.Equal("LaunchFailed", row.Outcome));
    }

    [Fact]
    public async Task Invalid_JSON_exits_2_naming_file_line_and_column_and_runs_nothing()
    {
        _scratch.WriteFile("bad.json", "{\n  \"prompts\": [\n    \"a\",,\n  ]\n}");

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "bad.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"{Path.Combine(_scratch.Directory, "bad.json")}(3,9): error: ", result.Error, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Every_invalid_prompt_is_reported_with_its_location()
    {
        _scratch.WriteFile("prompts.json", "{\"prompts\": [\n  {\"prompt\": \"a\", \"maxTurns\": \"ten\"},\n  {\"prompt\": \"b\", \"colour\": 1}\n]}");

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.Matches(@"prompts\.json\(2,\d+\): error: ", errors[0]);
        Assert.Matches(@"prompts\.json\(3,\d+\): error: .*colour", errors[1]);
    }

    [Theory]
    [InlineData("""{"prompts":[]}""")]
    [InlineData("")]
    public async Task An_empty_set_of_prompts_exits_2(string stdin)
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, stdin);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("No prompts provided", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'")]
    [InlineData("--max-parallel 0", "--max-parallel must be a whole number of at least 1 (got '0')")]
    [InlineData("--max-parallel many", "--max-parallel must be a whole number of at least 1 (got 'many')")]
    [InlineData("--retry -1", "--retry must be a whole number of at least 0 (got '-1')")]
    [InlineData("--timeout soon", "--timeout must be a positive duration")]
    [InlineData("--permission-mode yolo", "--permission-mode must be one of")]
    [InlineData("--max-turns 0", "--max-turns must be a whole number of at least 1 (got '0')")]
    [InlineData("--max-budget-usd free", "--max-budget-usd must be a positive amount")]
    [InlineData("--env NOEQUALS", "--env must be NAME=value entries")]
    [InlineData("--grace-period soon", "--grace-period must be a duration")]
    [InlineData("--max-retry-delay soon", "--max-retry-delay must be a duration")]
    [InlineData("--retry-delay 1m --max-retry-delay 10s", "at most MaxRetryDelay")]
    [InlineData("--log-dir", "'--log-dir'")]
    [InlineData("missing.json", "missing.json")]
    public async Task A_bad_command_line_exits_2_with_a_message_and_runs_nothing(string args, string message)
    {
        _scratch.WriteFile("prompts.json", """{"prompts":["a"]}""");
        string[] arguments = args.EndsWith(".json", StringComparison.Ordinal) ? [args] : ["prompts.json", .. args.Split(' ')];

        var result = await CliProcess.RunAsync(_scratch, null, ["--claude", FakeClaudeScratch.FakeClaudePath, .. arguments]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task Dry_run_prints_each_command_and_starts_nothing()
    {
        _scratch.WriteFile("prompts.json", """{"prompts":[{"id":"one","prompt":"a"},{"id":"two","prompt":"b","maxTurns":3}]}""");

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json", "--dry-run", "--model", "opus");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.OutputLines.Length);
        Assert.Equal("Dry run: 2 prompts planned, none started.", result.OutputLines[2]);
        Assert.Matches($@"  # timeout 30m00s, \d+ retr(y|ies), in {Regex.Escape(_scratch.Directory)}; runs: no earlier success$", result.OutputLines[0]);
        Assert.StartsWith($"one: {FakeClaudeScratch.FakeClaudePath} -p --output-format stream-json --verbose", result.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("--model opus", result.OutputLines[0], StringComparison.Ordinal);
        Assert.StartsWith("two: ", result.OutputLines[1], StringComparison.Ordinal);
        Assert.Contains("--max-turns 3", result.OutputLines[1], StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
        Assert.False(Directory.Exists(Path.Combine(_scratch.Directory, "claude-logs")));
    }

    [Fact]
    public async Task Options_reach_claude_and_the_engine()
    {
        var result = await CliProcess.RunWithFakeAsync(
            _scratch,
            """{"prompts":["@fake sleep=300\na","@fake sleep=300\nb","@fake sleep=300\nc"]}""",
            "--max-parallel=1", "--model", "opus", "--permission-mode", "acceptedits", "--no-skip-permissions",
            "--log-dir", "out/logs", "--summary", "reports/run.json", "--junit", "reports/junit.xml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1, _scratch.MaxConcurrency());
        var args = _scratch.Invocations()[0].Args;
        Assert.Equal("opus", args[args.ToList().IndexOf("--model") + 1]);
        Assert.Equal("acceptEdits", args[args.ToList().IndexOf("--permission-mode") + 1]);
        Assert.DoesNotContain("--dangerously-skip-permissions", args);
        Assert.True(Directory.Exists(Path.Combine(_scratch.Directory, "out", "logs")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.Directory, "reports", "run.json")));
        Assert.Equal(3, summary.RootElement.GetProperty("totals").GetProperty("succeeded").GetInt32());
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "reports", "junit.xml")));
    }

    [Fact]
    public async Task Prompt_options_extra_arguments_and_environment_reach_claude()
    {
        var result = await CliProcess.RunWithFakeAsync(
            _scratch,
            """{"prompts":["@fake\nreview"]}""",
            "--allowed-tools", "Read,Bash(git diff:*)", "--allowed-tools", "Edit", "--disallowed-tools", "Write",
            "--max-turns", "7", "--max-budget-usd", "2.5", "--append-system-prompt", "Be brief.",
            "--arg=--settings", "--arg", "settings.json", "--arg=--bare", "--env", "CR_TEST_FLAVOUR=mint", "--env", "CR_TEST_EQUATION=a=b");

        Assert.True(result.ExitCode == 0, result.ToString());
        var invocation = Assert.Single(_scratch.Invocations());
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--max-turns", "7", "--max-budget-usd", "2.5", "--allowedTools", "Read", "Bash(git diff:*)", "Edit",
             "--disallowedTools", "Write", "--append-system-prompt", "Be brief.", "--dangerously-skip-permissions", "--settings", "settings.json", "--bare"],
            invocation.ArgsWithoutSession);
        Assert.Equal(("mint", "a=b"), (invocation.Env["CR_TEST_FLAVOUR"], invocation.Env["CR_TEST_EQUATION"]));
    }

    [Fact]
    public async Task Timeout_and_retry_options_apply_to_every_prompt_and_a_timed_out_one_is_retried_after_at_most_the_max_retry_delay()
    {
        // Whenever a timeout fires (even before the fake's Main), the attempt times out: outcomes and attempts are exact.
        // No --retry-delay: the cap alone lowers the first delay (default 10s) to it.
        var result = await CliProcess.RunAsync(
            _scratch,
            """{"prompts":[{"id":"first","prompt":"@fake hang"},{"id":"second","prompt":"@fake hang"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--timeout", "500ms", "--retry", "1", "--retry-timeouts", "--max-retry-delay", "40ms");

        Assert.True(result.ExitCode == 1, result.ToString());
        var prompts = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"));
        Assert.Equal([("first", "TimedOut", 2), ("second", "TimedOut", 2)], prompts.Select(p => (p.Key, p.Value.Outcome, p.Value.Attempts)).Order());
        foreach (var id in new[] { "first", "second" })
        {
            var retry = Assert.Single(result.OutputLines, line => line.Contains($"] {id} retrying in ", StringComparison.Ordinal));
            var delay = Regex.Match(retry, @"retrying in (\d+)ms \(attempt 2/2\) after TimedOut: ");
            Assert.True(delay.Success && int.Parse(delay.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 40, retry);
        }
    }

    [Fact]
    public async Task Grace_period_is_how_long_claude_may_ignore_SIGTERM_before_it_is_killed()
    {
        // Longer than the 5s default, so only a grace period that reached the engine holds the prompt this long.
        // The run is stopped once the fake is ready, so the runner's SIGTERM surely meets ignore_sigterm.
        using var cli = CliProcess.Start(
            _scratch.Directory, _scratch.EnvironmentWithScript("hang ignore_sigterm"), """{"prompts":[{"id":"stubborn","prompt":"stubborn"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--grace-period", "7s");
        var fake = Assert.Single(await _scratch.WaitForReadyAsync(1));

        cli.Signal("TERM");
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.False(ProcessProbe.IsAlive(fake), "claude outlived the run");
        var prompt = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"))["stubborn"];
        Assert.Equal("Cancelled", prompt.Outcome);
        Assert.InRange(prompt.DurationMs, 7000, long.MaxValue);
    }

    [Fact]
    public async Task A_grandchild_without_the_marker_holding_claudes_pipes_neither_hangs_the_run_nor_changes_its_verdict()
    {
        using var cli = CliProcess.Start(
            _scratch.Directory, _scratch.EnvironmentWithScript("grandchild_env_cleared"), """{"prompts":[{"id":"held","prompt":"held"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--timeout", "10m");

        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var grandchild = Assert.Single(_scratch.Invocations()).GrandchildPid!.Value;
        Assert.False(ProcessProbe.IsAlive(grandchild), "the grandchild outlived the run");
        var prompt = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"))["held"];
        Assert.Equal("Succeeded", prompt.Outcome);
        Assert.InRange(prompt.DurationMs, 0, 60_000);
    }

    [Fact]
    public async Task A_double_forked_daemon_without_the_marker_does_not_outlive_the_run_of_the_cli_its_reaper()
    {
        var result = await CliProcess.RunAsync(
            _scratch.Directory, _scratch.EnvironmentWithScript("grandchild_double_fork"), """{"prompts":[{"id":"daemon","prompt":"daemon"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        var daemon = Assert.Single(_scratch.Invocations()).GrandchildPid!.Value;
        Assert.False(ProcessProbe.IsAlive(daemon), "the daemon outlived the run");
    }

    [Fact]
    public async Task SIGTERM_while_a_grandchild_without_the_marker_holds_claudes_pipes_stops_both_and_exits_143()
    {
        using var cli = CliProcess.Start(
            _scratch.Directory, _scratch.EnvironmentWithScript("hang grandchild_env_cleared"), """{"prompts":[{"id":"held","prompt":"held"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--grace-period", "1s");
        await Eventually(() => _scratch.Invocations() is [{ GrandchildPid: not null }]);
        var invocation = Assert.Single(_scratch.Invocations());

        cli.Signal("TERM");
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.False(ProcessProbe.IsAlive(invocation.Pid), "claude outlived the run");
        Assert.False(ProcessProbe.IsAlive(invocation.GrandchildPid!.Value), "the grandchild outlived the run");
        Assert.Equal("Cancelled", FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"))["held"].Outcome);
    }

    [Fact]
    public async Task Killing_the_runner_outright_takes_claude_with_it()
    {
        if (OperatingSystem.IsMacOS())
        {
            return; // No parent-death signal and no job object there (README, "What happens to claude's processes").
        }

        using var cli = CliProcess.Start(
            _scratch.Directory, _scratch.EnvironmentWithScript("hang"), """{"prompts":[{"id":"orphaned","prompt":"orphaned"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        var claude = Assert.Single(await _scratch.WaitForReadyAsync(1));

        // SIGKILL on Linux, TerminateProcess on Windows: no code of the runner's runs.
        cli.KillOutright();
        var result = await cli.WaitAsync();

        Assert.NotEqual(0, result.ExitCode);
        // Linux: the kernel sends claude its parent-death SIGTERM as the runner's last thread goes. Windows: the job
        // object's last handle closes with the runner. Waited for, not raced.
        await Eventually(() => !ProcessProbe.IsAlive(claude));
    }

    [Fact]
    public async Task SIGTERM_to_the_runner_while_an_isolated_claude_ignores_it_leaves_no_worktree_and_the_tree_as_it_was()
    {
        _scratch.WriteFile("a.txt", "one\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
        var before = ScratchGit.Worktrees(_scratch.Directory);
        using var cli = CliProcess.Start(
            _scratch.Directory, _scratch.EnvironmentWithScript("write=a.txt:changed hang ignore_sigterm"), """{"prompts":[{"id":"stubborn","prompt":"stubborn"}]}""",
            "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--grace-period", "1s", "--isolation", "worktree");
        var fake = Assert.Single(await _scratch.WaitForReadyAsync(1));

        cli.Signal("TERM");
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.False(ProcessProbe.IsAlive(fake), "claude outlived the run");
        Assert.Equal(before, ScratchGit.Worktrees(_scratch.Directory));
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "claude-logs", "stubborn.patch")), result.ToString());
    }

    [Fact]
    public async Task Fail_fast_starts_nothing_after_the_first_failure()
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":["@fake is_error","b","c","d","e","f"]}""", "--fail-fast", "--max-parallel", "1");

        // Prompts start in input order, one at a time: the failing first one is the only one that ran.
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("@fake is_error", System.Text.Encoding.UTF8.GetString(Assert.Single(_scratch.Invocations()).Prompt));
        var notStarted = result.OutputLines.Count(line => line.EndsWith("Not started: fail-fast after 'fake-is-error-cb8853bc' failed.", StringComparison.Ordinal) && line.StartsWith('['));
        Assert.Equal(5, notStarted);
    }

    [Fact]
    public async Task Plain_output_has_time_stamped_start_finish_and_heartbeat_lines_and_ends_with_the_result()
    {
        var result = await CliProcess.RunWithFakeAsync(
            _scratch,
            """{"prompts":[{"id":"quick","prompt":"q"},{"id":"slow","prompt":"@fake sleep=1500 cost=0.5\nslow"}]}""",
            "--heartbeat", "200ms");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.OutputLines;
        Assert.All(lines[..^1], line => Assert.Matches(PlainLine(), line));
        Assert.EndsWith($"] running 2 prompts, at most 4 at once; logs in {Path.Combine(_scratch.Directory, "claude-logs")}", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.EndsWith("] started quick (attempt 1/1)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.EndsWith("] started slow (attempt 1/1)", StringComparison.Ordinal));
        Assert.Contains(lines, line => Regex.IsMatch(line, @"\] quick finished with exit code 0 \(Succeeded, \d+(ms|\.?\d*s), \$0\.0123, peak memory \d+\.\d MB, CPU \d+\.\d{3} s\)$"));
        Assert.Contains(lines, line => Regex.IsMatch(line, @"\] slow finished with exit code 0 \(Succeeded, \d+(\.\d)?s, \$0\.50, peak memory \d+\.\d MB, CPU \d+\.\d{3} s\)$"));
        Assert.Contains(lines, line => Regex.IsMatch(line, @"\] 1/2 done, 1 running, ETA (\d+ms|\d+(\.\d)?s)$"));
        Assert.Matches(@"\] finished in [\d.]+s, cost \$0\.5123; summary: .*summary\.json, JUnit: .*junit\.xml, report: .*report\.html$", lines[^2]);
        Assert.Equal("All 2 prompts succeeded", lines[^1]);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task Quiet_prints_only_the_result()
    {
        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":["a",{"id":"bad","prompt":"@fake is_error"}]}""", "--quiet");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(2, result.OutputLines.Length);
        Assert.Equal("1 of 2 prompts failed", result.OutputLines[0]);
        Assert.StartsWith("  bad: Failed: ", result.OutputLines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task A_termination_signal_stops_every_child_writes_the_summary_and_exits_with_its_code(string signal, int exitCode)
    {
        using var cli = CliProcess.Start(_scratch, """{"prompts":["@fake hang\none","@fake hang\ntwo","three"]}""", "--claude", FakeClaudeScratch.FakeClaudePath, "--max-parallel", "2", "--retry", "0");
        await Eventually(() => _scratch.Invocations().Count == 2 && LogsHaveInit(2));
        var children = _scratch.Invocations().Select(i => i.Pid).ToList();

        cli.Signal(signal);
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.All(children, pid => Assert.False(ProcessProbe.IsAlive(pid), $"claude process {pid} outlived the run"));
        Assert.Contains($"stopped by SIG{signal}", result.Error, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")));
        Assert.True(summary.RootElement.GetProperty("cancelled").GetBoolean());
        Assert.Equal(3, summary.RootElement.GetProperty("prompts").GetArrayLength());
        Assert.Contains("3 of 3 prompts failed", result.OutputLines);
    }

    [Fact]
    public async Task Version_and_help_exit_0()
    {
        var version = await CliProcess.RunAsync(_scratch, null, "--version");
        var help = await CliProcess.RunAsync(_scratch, null, "--help");

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var option in new[] { "--max-parallel", "--log-dir", "--retry", "--timeout", "--claude", "--model", "--no-skip-permissions", "--permission-mode", "--fail-fast", "--summary", "--junit", "--dry-run", "--quiet", "--version",
            "--allowed-tools", "--disallowed-tools", "--max-turns", "--max-budget-usd", "--append-system-prompt", "--arg", "--env", "--heartbeat",
            "--retry-delay", "--max-retry-delay", "--retry-timeouts", "--grace-period" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }
    }

    private static string PromptText(FakeInvocation invocation) =>
        System.Text.Encoding.UTF8.GetString(invocation.Prompt).Split('\n').Last(line => !line.StartsWith("@fake", StringComparison.Ordinal));

    // Both hanging prompts have printed their init line: they are running, not starting.
    private bool LogsHaveInit(int count) =>
        Directory.Exists(Path.Combine(_scratch.Directory, "claude-logs"))
        && Directory.EnumerateFiles(Path.Combine(_scratch.Directory, "claude-logs"), "*.jsonl").Count(file => ReadShared(file).Contains("\"init\"", StringComparison.Ordinal)) >= count;

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 seconds");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d\] \S")]
    private static partial Regex PlainLine();
}
