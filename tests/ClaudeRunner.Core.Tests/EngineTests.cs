using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeRunner.Tests;

public sealed class EngineTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_successful_prompt_reports_its_result_cost_tokens_and_session()
    {
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake text=\"All good\" cost=0.25 turns=3 input_tokens=100 output_tokens=40"));
        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal(("All good", 0.25m, 3, 0), (result.ResultText, result.CostUsd, result.Turns, result.ExitCode));
        Assert.Equal((100L, 40L), (result.Tokens.InputTokens, result.Tokens.OutputTokens));
        Assert.False(string.IsNullOrEmpty(result.SessionId));
        Assert.Equal(1, result.Attempts);
        Assert.True(summary.AllSucceeded);
        Assert.Equal("All 1 prompt succeeded", summary.Headline);
    }

    [Fact]
    public async Task The_command_carries_the_options_and_the_prompt_goes_to_stdin()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake\nreview", "review", new PromptOptions
        {
            Model = "opus", MaxTurns = 7, AllowedTools = ["Read", "Bash(git diff:*)"], MaxBudgetUsd = 2.5m, AppendSystemPrompt = "Be brief", Args = ["--bare"],
        })]);
        await FakeRuns.RunAsync(request);
        var invocation = Assert.Single(_scratch.Invocations());
        Assert.Equal(
            ["-p", "--output-format", "stream-json", "--verbose", "--model", "opus", "--max-turns", "7", "--max-budget-usd", "2.5", "--allowedTools", "Read", "Bash(git diff:*)", "--append-system-prompt", "Be brief", "--dangerously-skip-permissions", "--bare"],
            invocation.ArgsWithoutSession);
        Assert.Equal("@fake\nreview", Encoding.UTF8.GetString(invocation.Prompt));
        Assert.Equal(_scratch.Directory, invocation.Cwd);
    }

    [Fact]
    public async Task A_permission_mode_replaces_skip_permissions_and_it_can_be_turned_off()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("one", Options: new PromptOptions { PermissionMode = "plan" }), new PromptInput("two")]) with { DangerouslySkipPermissions = false };
        await FakeRuns.RunAsync(request);
        Assert.All(_scratch.Invocations(), i => Assert.DoesNotContain("--dangerously-skip-permissions", i.Args));
        Assert.Contains(_scratch.Invocations(), i => i.ArgsWithoutSession.SequenceEqual(["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "plan"]));
    }

    [Fact]
    public async Task Each_prompt_runs_in_its_working_directory_with_its_environment()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_scratch.Directory, "sub")).FullName;
        var request = FakeRuns.Request(_scratch, [new PromptInput("x", Options: new PromptOptions { WorkingDirectory = "sub", Env = new Dictionary<string, string> { ["CR_TEST_FLAVOUR"] = "mint" } })]);
        await FakeRuns.RunAsync(request);
        var invocation = Assert.Single(_scratch.Invocations());
        Assert.Equal(sub, invocation.Cwd);
        Assert.Equal("mint", invocation.Env["CR_TEST_FLAVOUR"]);
    }

    [Theory]
    [InlineData("@fake is_error", Outcome.Failed, 0)]
    [InlineData("@fake subtype=error_max_turns", Outcome.Failed, 1)]
    [InlineData("@fake subtype=error_max_budget_usd", Outcome.Failed, 1)]
    [InlineData("@fake api_error=429", Outcome.RateLimited, 1)]
    [InlineData("@fake api_error=529", Outcome.Overloaded, 1)]
    [InlineData("@fake api_error=500", Outcome.ServerError, 1)]
    [InlineData("@fake api_error=401", Outcome.AuthFailed, 1)]
    [InlineData("@fake api_error=403", Outcome.AuthFailed, 1)]
    [InlineData("@fake no_result", Outcome.Interrupted, 0)]
    [InlineData("@fake no_result exit=3", Outcome.Failed, 3)]
    [InlineData("@fake exit=2", Outcome.Failed, 2)]
    [InlineData("@fake root_refusal", Outcome.LaunchFailed, 1)]
    public async Task Outcomes_come_from_the_result_line_and_the_exit_code(string prompt, Outcome expected, int exitCode)
    {
        var result = Assert.Single((await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompt))).Results);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task The_root_refusal_says_what_to_do_and_IS_SANDBOX_lets_it_run()
    {
        var request = FakeRuns.Request(_scratch, [
            new PromptInput("@fake root_refusal", "refused"),
            new PromptInput("@fake root_refusal", "sandboxed", new PromptOptions { Env = new Dictionary<string, string> { ["IS_SANDBOX"] = "1" } }),
        ]);
        var summary = await FakeRuns.RunAsync(request);
        var refused = summary.Results[0];
        Assert.Equal(Outcome.LaunchFailed, refused.Outcome);
        Assert.Contains("non-root user", refused.Message, StringComparison.Ordinal);
        Assert.Contains("IS_SANDBOX=1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("skip-permissions off", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Outcome.Succeeded, summary.Results[1].Outcome);
    }

    [Fact]
    public async Task An_unknown_flag_is_a_launch_failure()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("x", Options: new PromptOptions { Args = ["--no-such-flag"] })]);
        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);
        Assert.Equal(Outcome.LaunchFailed, result.Outcome);
        Assert.Contains("unknown option", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_claude_fails_every_prompt_with_install_advice_and_starts_nothing()
    {
        var request = FakeRuns.Request(_scratch, "a", "b") with { ClaudePath = "claude-that-does-not-exist" };
        var summary = await FakeRuns.RunAsync(request);
        Assert.All(summary.Results, r =>
        {
            Assert.Equal(Outcome.LaunchFailed, r.Outcome);
            Assert.Contains("npm install -g @anthropic-ai/claude-code", r.Message, StringComparison.Ordinal);
        });
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_claude_that_is_not_executable_is_a_launch_failure()
    {
        var notExecutable = _scratch.WriteFile("claude", "not a program");
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "a") with { ClaudePath = notExecutable });
        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.LaunchFailed, result.Outcome);
        Assert.Contains("could not be started", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_runs_nothing()
    {
        var path = _scratch.WriteFile("prompts.json", "{\"prompts\": [\"fine\", {\"prompt\": \"x\", \"bogus\": 1}]}");
        var request = FakeRuns.Request(_scratch) with { Sources = [PromptSource.FromFile(path)] };
        await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(request));
        Assert.Empty(_scratch.Invocations());
        Assert.False(Directory.Exists(_scratch.LogDirectory));
    }

    [Fact]
    public async Task MaxParallel_below_one_is_an_input_error()
    {
        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(FakeRuns.Request(_scratch, "a") with { MaxParallel = 0 }));
        Assert.Contains("MaxParallel must be a whole number of at least 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_is_never_more_parallel_than_MaxParallel_and_reaches_it()
    {
        var prompts = Enumerable.Range(0, 12).Select(i => $"@fake sleep=300\nprompt {i}").ToArray();
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 3 });
        Assert.True(summary.AllSucceeded);
        Assert.Equal(12, _scratch.Invocations().Count);
        Assert.Equal(3, _scratch.MaxConcurrency());
    }

    [Fact]
    public async Task A_freed_slot_is_refilled_without_waiting_for_a_batch()
    {
        // Two slots: one long prompt and four short ones. In batches the short ones would wait for the long one.
        var prompts = new[] { "@fake sleep=4000\nlong" }.Concat(Enumerable.Range(0, 4).Select(i => $"@fake sleep=100\nshort {i}")).ToArray();
        await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 2 });
        var invocations = _scratch.Invocations();
        var longOne = invocations.Single(i => Encoding.UTF8.GetString(i.Prompt).EndsWith("long", StringComparison.Ordinal));
        Assert.All(invocations.Where(i => i != longOne), shortOne => Assert.True(shortOne.End < longOne.End, "a short prompt waited for the long one"));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_until_it_succeeds()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake fail_first=2", Options: new PromptOptions { Retries = 3 })]);
        var observer = new RecordingObserver();
        var result = Assert.Single((await FakeRuns.RunAsync(request, observer)).Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, _scratch.Invocations().Count);
        var retries = observer.Events.OfType<PromptRetrying>().ToList();
        Assert.Equal([2, 3], retries.Select(r => r.NextAttempt));
        Assert.All(retries, r => Assert.Equal(Outcome.Overloaded, r.Reason));
        var log = await File.ReadAllTextAsync(result.LogFile!);
        Assert.Contains("=== attempt 1 of 4 ===", log, StringComparison.Ordinal);
        Assert.Contains("=== attempt 3 of 4 ===", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_stop_at_the_limit()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake api_error=429", Options: new PromptOptions { Retries = 2 })]);
        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);
        Assert.Equal((Outcome.RateLimited, 3), (result.Outcome, result.Attempts));
    }

    [Theory]
    [InlineData("@fake api_error=401")]
    [InlineData("@fake is_error")]
    [InlineData("@fake subtype=error_max_turns")]
    [InlineData("@fake root_refusal")]
    public async Task Failures_that_would_fail_again_are_not_retried(string prompt)
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput(prompt, Options: new PromptOptions { Retries = 3 })]);
        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);
        Assert.Equal(1, result.Attempts);
        Assert.Single(_scratch.Invocations());
    }

    [Fact]
    public async Task Retry_delays_double_within_their_jitter_bounds()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake api_error=529", Options: new PromptOptions { Retries = 4 })])
            with { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromSeconds(10) };
        var observer = new RecordingObserver();
        await FakeRuns.RunAsync(request, observer);
        var delays = observer.Events.OfType<PromptRetrying>().Select(r => r.Delay).ToList();
        Assert.Equal(4, delays.Count);
        for (var i = 0; i < delays.Count; i++)
        {
            var ceiling = TimeSpan.FromMilliseconds(20 * Math.Pow(2, i));
            Assert.InRange(delays[i], ceiling / 2, ceiling);
        }
    }

    [Fact]
    public async Task The_next_attempt_waits_for_the_backoff_on_the_runs_clock()
    {
        var time = new FakeTimeProvider();
        // Without adaptation: the 529 would also pause starts for the delay claude announced (see AdaptiveConcurrencyTests).
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake fail_first=1", Options: new PromptOptions { Retries = 1 })]) with { TimeProvider = time, AdaptiveConcurrency = false };
        var observer = new RecordingObserver();
        var run = FakeRuns.RunAsync(request, observer);

        await observer.WhenAsync(e => e is PromptRetrying);
        var delay = observer.Events.OfType<PromptRetrying>().Single().Delay;
        time.Advance(delay - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        Assert.Single(_scratch.Invocations());
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = Assert.Single((await run).Results);

        Assert.Equal((Outcome.Succeeded, 2), (result.Outcome, result.Attempts));
        Assert.Equal(delay, result.Duration);
    }

    [Fact]
    public async Task An_attempt_times_out_exactly_at_its_timeout()
    {
        var time = new FakeTimeProvider();
        var timeout = TimeSpan.FromMinutes(10);
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake hang", Options: new PromptOptions { Timeout = timeout })]) with { TimeProvider = time };
        var observer = new RecordingObserver();
        var run = FakeRuns.RunAsync(request, observer);

        await FakeClock.WhenClaudeStartedAsync(observer, _scratch);
        time.Advance(timeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        Assert.False(run.IsCompleted, "the attempt ended before its timeout");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = Assert.Single((await run).Results);

        Assert.Equal(new Verdict(Outcome.TimedOut, "Timed out after 10m00s: claude was stopped."), new Verdict(result.Outcome, result.Message));
        Assert.Equal(timeout, result.Duration);
        Assert.Equal(143, result.ExitCode);
    }

    [Fact]
    public async Task Timeouts_are_retried_only_when_asked()
    {
        var timeout = TimeSpan.FromMinutes(10);
        var prompt = new PromptInput("@fake hang", Options: new PromptOptions { Retries = 1, Timeout = timeout });

        var onceTime = new FakeTimeProvider();
        var onceObserver = new RecordingObserver();
        var onceRun = FakeRuns.RunAsync(FakeRuns.Request(_scratch, [prompt]) with { TimeProvider = onceTime }, onceObserver);
        await FakeClock.WhenClaudeStartedAsync(onceObserver, _scratch);
        onceTime.Advance(timeout);
        var once = Assert.Single((await onceRun).Results);
        Assert.Equal((Outcome.TimedOut, 1, timeout), (once.Outcome, once.Attempts, once.Duration));

        using var scratch = new FakeClaudeScratch();
        var twiceTime = new FakeTimeProvider();
        var twiceObserver = new RecordingObserver();
        var twiceRun = FakeRuns.RunAsync(FakeRuns.Request(scratch, [prompt]) with { TimeProvider = twiceTime, RetryTimeouts = true }, twiceObserver);
        await FakeClock.WhenClaudeStartedAsync(twiceObserver, scratch);
        twiceTime.Advance(timeout);
        await twiceObserver.WhenAsync(e => e is PromptRetrying);
        var delay = twiceObserver.Events.OfType<PromptRetrying>().Single().Delay;
        twiceTime.Advance(delay);
        await FakeClock.WhenClaudeStartedAsync(twiceObserver, scratch, attempt: 2);
        twiceTime.Advance(timeout);
        var twice = Assert.Single((await twiceRun).Results);
        Assert.Equal((Outcome.TimedOut, 2, timeout + delay + timeout), (twice.Outcome, twice.Attempts, twice.Duration));
    }

    [Theory]
    [InlineData("@fake hang")]
    [InlineData("@fake hang ignore_sigterm")]
    [InlineData("@fake hang grandchild")]
    [InlineData("@fake hang grandchild ignore_sigterm")]
    [InlineData("@fake hang grandchild_env_cleared")]
    [InlineData("@fake hang grandchild_daemon")]
    public async Task A_hanging_claude_times_out_and_leaves_no_process_behind(string prompt)
    {
        var time = new FakeTimeProvider();
        var timeout = TimeSpan.FromMinutes(10);
        var request = FakeRuns.Request(_scratch, [new PromptInput(prompt, Options: new PromptOptions { Timeout = timeout })]) with { TimeProvider = time };
        var observer = new RecordingObserver();
        var run = FakeRuns.RunAsync(request, observer);

        await FakeClock.WhenClaudeStartedAsync(observer, _scratch);
        time.Advance(timeout);
        // An ignored SIGTERM waits out the grace period, a grandchild holding the pipes the drain limit: both on the run's clock.
        var result = Assert.Single((await FakeClock.AdvanceUntilDoneAsync(time, run, request.GracePeriod)).Results);

        Assert.Equal(Outcome.TimedOut, result.Outcome);
        Assert.Equal("Timed out after 10m00s: claude was stopped.", result.Message);
        AssertNothingAlive();
    }

    [Fact]
    public async Task A_grandchild_left_behind_by_a_finished_claude_does_not_outlive_the_run()
    {
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake grandchild"));
        Assert.Equal(Outcome.Succeeded, Assert.Single(summary.Results).Outcome);
        Assert.NotNull(Assert.Single(_scratch.Invocations()).GrandchildPid);
        AssertNothingAlive();
    }

    [Fact]
    public async Task A_grandchild_without_the_marker_that_holds_the_pipes_after_claude_exits_neither_hangs_the_attempt_nor_changes_its_verdict()
    {
        // env -i: no marker; it holds claude's stdout until it is found by the pipes it holds, after the drain limit.
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake grandchild_env_cleared text=all-read"));

        var result = Assert.Single(summary.Results);
        Assert.Equal((Outcome.Succeeded, "all-read"), (result.Outcome, result.ResultText));
        Assert.InRange(result.Duration, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        Assert.NotNull(Assert.Single(_scratch.Invocations()).GrandchildPid);
        AssertNothingAlive();
    }

    [Fact]
    public async Task Cancelling_a_run_stops_everything_and_still_reports_every_prompt()
    {
        var prompts = Enumerable.Range(0, 6).Select(i => $"@fake hang grandchild\nprompt {i}").ToArray();
        var request = FakeRuns.Request(_scratch, prompts) with { MaxParallel = 2 };
        var observer = new RecordingObserver();
        using var cancel = new CancellationTokenSource();
        var run = FakeRuns.RunAsync(request, observer, cancel.Token);
        await observer.WhenAsync(e => e is PromptStarted);
        await WaitUntilAsync(() => _scratch.Invocations().Count(i => i.GrandchildPid is not null) == 2);
        await cancel.CancelAsync();
        var summary = await run;

        Assert.True(summary.Cancelled);
        Assert.Equal(6, summary.Results.Count);
        Assert.All(summary.Results, r => Assert.Equal(Outcome.Cancelled, r.Outcome));
        Assert.Equal(2, summary.Results.Count(r => r.Attempts == 1));
        Assert.Equal(4, summary.Results.Count(r => r.NeverStarted && r.Message.Contains("Not started", StringComparison.Ordinal)));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(summary.SummaryFile!));
        Assert.Equal(6, json.RootElement.GetProperty("prompts").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("cancelled").GetBoolean());
        AssertNothingAlive();
    }

    [Fact]
    public async Task Fail_fast_starts_nothing_new_after_the_first_failure()
    {
        // Repeated: the freed slot wakes the next prompt at once, so a failure noted after the release would let it start now and then.
        for (var run = 0; run < 5; run++)
        {
            using var scratch = new FakeClaudeScratch();
            var prompts = new[] { "@fake is_error\nfirst" }.Concat(Enumerable.Range(0, 5).Select(i => $"later {i}")).ToArray();
            var summary = await FakeRuns.RunAsync(FakeRuns.Request(scratch, prompts) with { MaxParallel = 1, FailFast = true });
            Assert.Equal(Outcome.Failed, summary.Results[0].Outcome);
            Assert.All(summary.Results.Skip(1), r =>
            {
                Assert.Equal(Outcome.Cancelled, r.Outcome);
                Assert.Contains("fail-fast after", r.Message, StringComparison.Ordinal);
            });
            Assert.Single(scratch.Invocations());
        }
    }

    [Fact]
    public async Task Prompts_start_in_input_order()
    {
        var prompts = Enumerable.Range(0, 8).Select(i => $"prompt number {i}").ToArray();
        await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 1 });
        Assert.Equal(prompts, _scratch.Invocations().Select(i => System.Text.Encoding.UTF8.GetString(i.Prompt)));
    }

    [Fact]
    public async Task Without_fail_fast_everything_runs_and_the_failures_are_listed()
    {
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake is_error\nbad", "good one", "good two"));
        Assert.Equal(3, _scratch.Invocations().Count);
        Assert.Equal("1 of 3 prompts failed", summary.Headline);
        Assert.Equal("bad", Assert.Single(summary.Failures).ResultText?.Split(' ')[^1]);
    }

    [Fact]
    public async Task Prompts_arrive_byte_exact_whatever_they_contain()
    {
        var tricky = "@fake echo\nQuotes \" ' `backticks` $(rm -rf /) ${HOME} ; && | > < \\ \r\n tabs\t and unicode: ünïcödé 日本語 🎉 \u0000 end";
        var big = "@fake echo\n" + new string('x', 1024 * 1024) + "\nend";
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, tricky, big));
        Assert.True(summary.AllSucceeded);
        var received = _scratch.Invocations().Select(i => i.Prompt).ToList();
        Assert.Contains(received, bytes => bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(tricky)));
        Assert.Contains(received, bytes => bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(big)));
        Assert.Equal(tricky, summary.Results[0].ResultText);
    }

    [Fact]
    public async Task The_summary_and_junit_report_describe_every_prompt()
    {
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake cost=0.5 input_tokens=10 output_tokens=5", "good"), new PromptInput("@fake api_error=401", "bad")]);
        var summary = await FakeRuns.RunAsync(request);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_scratch.LogDirectory, "summary.json")));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("totals").GetProperty("prompts").GetInt32());
        Assert.Equal(1, root.GetProperty("totals").GetProperty("failed").GetInt32());
        Assert.Equal(0.5m, root.GetProperty("totals").GetProperty("costUsd").GetDecimal());
        var good = root.GetProperty("prompts")[0];
        Assert.Equal("good", good.GetProperty("id").GetString());
        Assert.Equal("Succeeded", good.GetProperty("outcome").GetString());
        Assert.Equal(0, good.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, good.GetProperty("attempts").GetInt32());
        Assert.Equal(10, good.GetProperty("tokens").GetProperty("input").GetInt64());
        Assert.Equal(summary.Results[0].SessionId, good.GetProperty("sessionId").GetString());
        foreach (var property in new[] { "start", "end", "durationMs", "turns", "result", "logFile", "streamFile", "message" })
        {
            Assert.True(good.TryGetProperty(property, out _), $"summary row lacks {property}");
        }

        Assert.True(File.Exists(good.GetProperty("logFile").GetString()));
        Assert.Equal("AuthFailed", root.GetProperty("prompts")[1].GetProperty("outcome").GetString());

        var junit = XDocument.Load(Path.Combine(_scratch.LogDirectory, "junit.xml"));
        var suite = junit.Root!.Element("testsuite")!;
        Assert.Equal(("2", "1"), (suite.Attribute("tests")!.Value, suite.Attribute("failures")!.Value));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["good", "bad"], cases.Select(c => c.Attribute("name")!.Value));
        Assert.Null(cases[0].Element("failure"));
        Assert.Equal("AuthFailed", cases[1].Element("failure")!.Attribute("type")!.Value);
    }

    [Fact]
    public async Task Logs_hold_the_attempt_and_are_readable_only_by_their_owner()
    {
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, [new PromptInput("@fake text=\"final words\" stderr=\"a warning\"", "logged")]));
        var result = Assert.Single(summary.Results);
        var log = await File.ReadAllTextAsync(result.LogFile!);
        foreach (var expected in new[] { "start:", "end:", "command:   " + FakeClaudeScratch.FakeClaudePath + " -p --output-format stream-json --verbose", "stderr:    a warning", "exit code: 0", "outcome:   Succeeded", "final words" })
        {
            Assert.Contains(expected, log, StringComparison.Ordinal);
        }

        var stream = await File.ReadAllLinesAsync(result.StreamFile!);
        Assert.Contains(stream, line => line.StartsWith("{\"type\":\"result\"", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in new[] { result.LogFile!, result.StreamFile!, summary.SummaryFile!, summary.JUnitFile! })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_scratch.LogDirectory));
        }
    }

    [Fact]
    public async Task Secrets_from_the_environment_never_reach_a_log()
    {
        const string secret = "sk-ant-test-0123456789-secret";
        var request = FakeRuns.Request(_scratch, [new PromptInput(
            "@fake print_env=CR_TEST_API_KEY",
            "leaky",
            new PromptOptions { Env = new Dictionary<string, string> { ["CR_TEST_API_KEY"] = secret }, Args = ["--settings", $"{{\"token\":\"{secret}\"}}"] })]);
        var observer = new RecordingObserver();
        var summary = await FakeRuns.RunAsync(request, observer);
        Assert.Equal(secret, Assert.Single(_scratch.Invocations()).Env["CR_TEST_API_KEY"]);
        var written = string.Concat(Directory.EnumerateFiles(_scratch.LogDirectory).Select(File.ReadAllText));
        Assert.Contains(SecretRedactor.Mask, written, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, written, StringComparison.Ordinal);
        Assert.DoesNotContain(observer.Events, e => e.ToString()!.Contains(secret, StringComparison.Ordinal) || (e is PromptStarted s && s.CommandLine.Contains(secret, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_prompt_whose_log_cannot_be_written_still_gets_its_row()
    {
        // A directory where the prompt's log file should be makes the log unwritable even for root.
        Directory.CreateDirectory(Path.Combine(_scratch.LogDirectory, "blocked.jsonl"));
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, [new PromptInput("x", "blocked"), new PromptInput("y", "fine")]));
        Assert.Equal(2, summary.Results.Count);
        // The verdict is claude's; the message says what the log is missing.
        Assert.Equal(Outcome.Succeeded, summary.Results[0].Outcome);
        Assert.Contains("The log is incomplete", summary.Results[0].Message, StringComparison.Ordinal);
        Assert.Equal(Outcome.Succeeded, summary.Results[1].Outcome);
        Assert.True(File.Exists(summary.SummaryFile));
    }

    [Fact]
    public async Task Progress_events_tell_started_finished_and_heartbeat_on_the_runs_clock()
    {
        var time = new FakeTimeProvider();
        var runStart = time.GetLocalNow();
        var request = FakeRuns.Request(_scratch, [new PromptInput("@fake hang", "slow"), new PromptInput("quick", "quick")]) with { HeartbeatInterval = TimeSpan.FromSeconds(30), TimeProvider = time };
        var observer = new RecordingObserver();
        using var cancel = new CancellationTokenSource();
        var run = FakeRuns.RunAsync(request, observer, cancel.Token);

        await observer.WhenAsync(e => e is PromptFinished);
        await FakeClock.WhenClaudeStartedAsync(observer, _scratch, promptId: "slow");
        Assert.Empty(observer.Events.OfType<Heartbeat>());
        time.Advance(TimeSpan.FromSeconds(30));
        await observer.WhenAsync(e => e is Heartbeat);
        await cancel.CancelAsync();
        var summary = await run;

        var events = observer.Events;
        var started = Assert.IsType<RunStarted>(events[0]);
        Assert.Equal(new RunStarted(runStart, started.Prompts, RunRequest.DefaultMaxParallel, _scratch.LogDirectory) { Warnings = started.Warnings, SetCount = 2 }, started);
        Assert.Empty(started.Warnings);
        Assert.IsType<RunFinished>(events[^1]);
        Assert.Equal(2, events.OfType<PromptStarted>().Count());
        Assert.Equal(["quick", "slow"], events.OfType<PromptFinished>().Select(f => f.Result.Id));
        var beat = Assert.Single(events.OfType<Heartbeat>());
        Assert.Equal(new Heartbeat(runStart.AddSeconds(30), Done: 1, Total: 2, Running: 1, Elapsed: TimeSpan.FromSeconds(30), Eta: TimeSpan.FromSeconds(30)), beat);
        Assert.Equal("1/2 done, 1 running, ETA 30s", beat.ToString());
        Assert.Equal((runStart, runStart), (summary.Results[1].Start, summary.Results[1].End));
        Assert.Equal((runStart, runStart.AddSeconds(30)), (summary.Start, summary.End));
    }

    [Fact]
    public void A_dry_run_resolves_every_command_and_limit_and_starts_nothing()
    {
        var request = FakeRuns.Request(_scratch, [
            new PromptInput("x", "one", new PromptOptions { Model = "opus", Timeout = TimeSpan.FromSeconds(90), Retries = 1 }),
            new PromptInput("y", "two"),
        ]);
        var plan = ClaudeRunnerEngine.Plan(request with { Defaults = request.Defaults with { Retries = null } });

        Assert.Equal(["one", "two"], plan.Prompts.Select(p => p.Prompt.Id));
        Assert.Equal($"{FakeClaudeScratch.FakeClaudePath} -p --output-format stream-json --verbose --model opus --dangerously-skip-permissions < prompt", plan.Prompts[0].CommandLine);
        Assert.Equal((TimeSpan.FromSeconds(90), 1, 2, "timeout 1m30s, 1 retry"), (plan.Prompts[0].Timeout, plan.Prompts[0].Retries, plan.Prompts[0].MaxAttempts, plan.Prompts[0].Limits));
        Assert.Equal((RunRequest.DefaultTimeout, RunRequest.DefaultRetries, "timeout 30m00s, 2 retries"), (plan.Prompts[1].Timeout, plan.Prompts[1].Retries, plan.Prompts[1].Limits));
        Assert.Equal((FakeClaudeScratch.FakeClaudePath, null), (plan.ClaudePath, plan.ClaudeNotFound));
        Assert.Empty(_scratch.Invocations());
        Assert.False(Directory.Exists(_scratch.LogDirectory));
    }

    [Fact]
    public void A_dry_run_with_a_missing_claude_shows_the_name_and_says_why()
    {
        var plan = ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, "x") with { ClaudePath = "claude-that-does-not-exist" });

        Assert.Null(plan.ClaudePath);
        Assert.StartsWith("'claude-that-does-not-exist' was not found on PATH.", plan.ClaudeNotFound, StringComparison.Ordinal);
        Assert.StartsWith("claude-that-does-not-exist -p ", Assert.Single(plan.Prompts).CommandLine, StringComparison.Ordinal);
    }

    private void AssertNothingAlive()
    {
        foreach (var invocation in _scratch.Invocations())
        {
            Assert.False(ProcessProbe.IsAlive(invocation.Pid), $"claude {invocation.Pid} is still alive");
            if (invocation.GrandchildPid is { } grandchild)
            {
                Assert.False(ProcessProbe.IsAlive(grandchild), $"grandchild {grandchild} is still alive");
            }
        }

        Assert.Empty(ProcessProbe.WithEnvironment(_scratch.RecordDirectory));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await Task.Delay(20);
        }
    }
}
