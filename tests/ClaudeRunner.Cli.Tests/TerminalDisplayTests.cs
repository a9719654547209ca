using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeRunner.Tests;

/// <summary>
/// claude-runner on a terminal: util-linux <c>script</c> gives it a pseudo-terminal, so it draws the
/// live display and the final table instead of plain lines.
/// </summary>
public sealed partial class TerminalDisplayTests : IDisposable
{
    // Spectre.Console treats these as CI and turns the live display off.
    private static readonly string[] CiVariables =
    [
        "APPVEYOR", "bamboo_buildNumber", "BITBUCKET_REPO_OWNER", "BITBUCKET_REPO_SLUG", "BITBUCKET_COMMIT", "BITRISE_BUILD_URL",
        "ContinuaCI.Version", "CI_SERVER", "GITHUB_ACTIONS", "GO_SERVER_URL", "JENKINS_URL", "BuildRunner", "TEAMCITY_VERSION", "TF_BUILD", "TRAVIS",
    ];

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task On_a_terminal_the_live_display_shows_running_prompts_then_a_table_of_all()
    {
        _scratch.WriteFile("prompts.json", """{"prompts":[{"id":"quick","prompt":"q"},{"id":"slow","prompt":"@fake sleep=1500\nslow"}]}""");

        var (exitCode, screen) = await RunOnTerminalAsync("prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");

        Assert.True(exitCode == 0, screen);
        Assert.Matches(@"1/2 done, 1 running · elapsed [\d.]+m?s · ETA", screen);
        Assert.Matches(@"slow\s+attempt 1/1\s+[\d.]+m?s", screen);
        Assert.Matches(@"│ Prompt\s+│ Outcome\s+│ Exit\s+│ Attempts\s+│ Duration\s+│ Cost", screen);
        Assert.Matches(@"│ quick\s+│ Succeeded\s+│ 0\s+│ 1\s+│", screen);
        Assert.Matches(@"│ slow\s+│ Succeeded\s+│ 0\s+│ 1\s+│", screen);
        Assert.Contains("All 2 prompts succeeded", screen, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\[\d\d:\d\d:\d\d\] started", screen);
    }

    [Fact]
    public async Task An_isolated_success_leaves_the_running_rows_and_waits_for_its_changes_to_be_applied()
    {
        _scratch.WriteFile("a.txt", "one\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{"prompts":[{"id":"quick","prompt":"@fake write=a.txt:edited\nq","isolation":"worktree"},{"id":"held","prompt":"@fake hang\nheld"}]}""");
        using var script = StartOnTerminal("prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        _ = script.StandardError.ReadToEndAsync();

        // Drawn while the held prompt still runs: quick is out of the running rows, and not done.
        var screen = await ReadUntilAsync(script, new Regex(@"0/2 done, 1 running, 1 with changes to apply at the end · elapsed"));
        var held = (await _scratch.WaitForReadyAsync(2)).Single(ProcessProbe.IsAlive);
        Assert.DoesNotMatch(@"quick\s+attempt", screen[screen.LastIndexOf("0/2 done", StringComparison.Ordinal)..]);
        using (var stop = Process.Start("kill", ["-TERM", ParentOf(held).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync();
        }

        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var prompts = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"));
        Assert.Equal(("Succeeded", "Cancelled"), (prompts["quick"].Outcome, prompts["held"].Outcome));
        Assert.Equal("edited", File.ReadAllText(Path.Combine(_scratch.Directory, "a.txt")));
    }

    /// <summary>What the terminal showed (escape sequences removed) up to the first match of <paramref name="pattern"/>.</summary>
    private static async Task<string> ReadUntilAsync(Process script, Regex pattern)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var raw = new StringBuilder();
        var buffer = new char[4096];
        while (true)
        {
            var read = await script.StandardOutput.ReadAsync(buffer, limit.Token);
            var screen = AnsiEscape().Replace(raw.Append(buffer, 0, read).ToString(), string.Empty);
            if (pattern.IsMatch(screen))
            {
                _ = script.StandardOutput.ReadToEndAsync();
                return screen;
            }

            Assert.True(read > 0, "the terminal closed before it showed " + pattern + ":\n" + screen);
        }
    }

    [Fact]
    public async Task Quiet_on_a_terminal_prints_only_the_result()
    {
        _scratch.WriteFile("prompts.json", """{"prompts":["a"]}""");

        var (exitCode, screen) = await RunOnTerminalAsync("prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--quiet");

        Assert.True(exitCode == 0, screen);
        Assert.Equal("All 1 prompt succeeded", screen.Trim());
    }

    [Fact]
    public async Task Without_a_file_and_with_standard_input_on_a_terminal_it_is_a_usage_error()
    {
        var (exitCode, screen) = await RunOnTerminalAsync("--claude", FakeClaudeScratch.FakeClaudePath);

        Assert.True(exitCode == 2, screen);
        Assert.Contains("No prompts file given and standard input is a terminal", screen, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_terminal_that_goes_away_during_the_live_display_neither_crashes_the_runner_nor_costs_the_summary()
    {
        _scratch.WriteFile("prompts.json", """{"prompts":[{"id":"held","prompt":"@fake hang\nheld"}]}""");
        using var script = StartOnTerminal("prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        _ = script.StandardOutput.ReadToEndAsync();
        _ = script.StandardError.ReadToEndAsync();
        var claude = Assert.Single(await _scratch.WaitForReadyAsync(1));
        var runner = ParentOf(claude);

        // script's end closes the pseudo-terminal's master: the terminal is hung up under the live display.
        script.Kill();
        await script.WaitForExitAsync();
        // The runner got SIGHUP as its session's leader, or writes to a dead terminal from now on: either way it must stop
        // claude on a termination signal and write its summary, not die of a failed write.
        using (var kill = Process.Start("kill", ["-TERM", runner.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ProcessProbe.IsAlive(runner))
        {
            Assert.True(DateTime.UtcNow < deadline, "the runner did not end within 60 s");
            await Task.Delay(50);
        }

        Assert.False(ProcessProbe.IsAlive(claude), "claude outlived the runner");
        var prompt = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"))["held"];
        Assert.Equal("Cancelled", prompt.Outcome);
    }

    [Fact]
    public async Task Ctrl_C_on_the_terminal_reaches_the_runner_alone_which_stops_claude_and_records_it_as_cancelled()
    {
        _scratch.WriteFile("prompts.json", """{"prompts":[{"id":"held","prompt":"@fake hang\nheld"}]}""");
        using var script = StartOnTerminal("prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        var claude = Assert.Single(await _scratch.WaitForReadyAsync(1));
        var runner = ParentOf(claude);

        // Out of the terminal's foreground process group, claude cannot get the terminal's SIGINT or SIGHUP.
        Assert.NotEqual(StatField(runner, SessionField), StatField(claude, SessionField));
        Assert.NotEqual(StatField(claude, ProcessGroupField), StatField(claude, ForegroundGroupField));

        // What the terminal's line discipline does with a typed ^C: SIGINT to its foreground process group.
        ProcessProbe.AssertInterruptReachesChildren();
        var foreground = StatField(runner, ForegroundGroupField).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var interrupt = Process.Start("kill", ["-INT", "--", "-" + foreground]))
        {
            await interrupt.WaitForExitAsync();
            Assert.Equal(0, interrupt.ExitCode);
        }

        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        var screen = await output + await error;
        Assert.True(script.ExitCode == 130, screen);
        Assert.False(ProcessProbe.IsAlive(claude), "claude outlived the runner");
        var prompt = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"))["held"];
        Assert.Equal("Cancelled", prompt.Outcome);
    }

    // Fields of /proc/<pid>/stat after the command's name, counted from the state as 0 (proc(5)).
    private const int ProcessGroupField = 2;
    private const int SessionField = 3;
    private const int ForegroundGroupField = 5;

    private static int StatField(int pid, int field)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[field], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int ParentOf(int pid) => StatField(pid, 1);

    private async Task<(int ExitCode, string Screen)> RunOnTerminalAsync(params string[] args)
    {
        using var script = StartOnTerminal(args);
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        try
        {
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }

        var screen = AnsiEscape().Replace(await output, string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal) + await error;
        return (script.ExitCode, screen);
    }

    /// <summary>claude-runner with <paramref name="args"/> on a pseudo-terminal of util-linux <c>script</c>.</summary>
    private Process StartOnTerminal(params string[] args)
    {
        var command = string.Join(' ', new[] { CliProcess.ExecutablePath }.Concat(args).Select(arg => $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
        var start = new ProcessStartInfo("script", ["--quiet", "--flush", "--return", "--command", command, "/dev/null"])
        {
            WorkingDirectory = _scratch.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.Environment["TERM"] = "xterm-256color";
        foreach (var variable in CiVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in _scratch.Environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("script (util-linux) did not start.");
    }

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex AnsiEscape();
}
