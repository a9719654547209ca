using System.Diagnostics;
using System.Text;

namespace ClaudeRunner.Tests;

/// <summary>What a hostile test broke: links and FIFOs in the log directory, secrets in escaped forms and ids, output that is not quite JSON.</summary>
public sealed class HardeningTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "cr-outside-" + Guid.NewGuid().ToString("N"));

    public HardeningTests() => Directory.CreateDirectory(_outside);

    public void Dispose()
    {
        _scratch.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public async Task Links_and_fifos_in_the_log_directory_are_replaced_never_followed_or_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix links, FIFOs and modes.
        }

        var targets = new[] { "log", "summary", "junit" }.Select(name => Path.Combine(_outside, name)).ToArray();
        foreach (var target in targets)
        {
            await File.WriteAllTextAsync(target, "keep");
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        Directory.CreateDirectory(_scratch.LogDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(_scratch.LogDirectory, "linked.log"), targets[0]);
        File.CreateSymbolicLink(Path.Combine(_scratch.LogDirectory, "summary.json"), targets[1]);
        File.CreateSymbolicLink(Path.Combine(_scratch.LogDirectory, "junit.xml"), targets[2]);
        MakeFifo(Path.Combine(_scratch.LogDirectory, "linked.jsonl"));

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, [new PromptInput("hello", "linked")]));

        Assert.True(summary.AllSucceeded, summary.Results[0].Message);
        foreach (var target in targets)
        {
            Assert.Equal("keep", await File.ReadAllTextAsync(target));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(target));
        }

        foreach (var name in new[] { "linked.log", "linked.jsonl", "summary.json", "junit.xml" })
        {
            // A FIFO has no length: checked before anything could block on reading one.
            var file = new FileInfo(Path.Combine(_scratch.LogDirectory, name));
            Assert.Null(file.LinkTarget);
            Assert.True(file.Length > 0, name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FullName));
        }
    }

    [Fact]
    public async Task A_log_directory_that_others_can_write_is_refused_and_nothing_runs()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes.
        }

        Directory.CreateDirectory(_scratch.LogDirectory);
        File.SetUnixFileMode(_scratch.LogDirectory, (UnixFileMode)Convert.ToInt32("777", 8));

        var ex = await Assert.ThrowsAsync<IOException>(() => FakeRuns.RunAsync(FakeRuns.Request(_scratch, "hello")));

        Assert.Contains("writable by other users", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch.LogDirectory));
    }

    [Fact]
    public async Task A_sticky_log_directory_of_ours_is_accepted()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes.
        }

        Directory.CreateDirectory(_scratch.LogDirectory);
        File.SetUnixFileMode(_scratch.LogDirectory, (UnixFileMode)Convert.ToInt32("1777", 8));

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "hello"));

        Assert.True(summary.AllSucceeded, summary.Results[0].Message);
    }

    [Fact]
    public async Task A_secret_with_quotes_and_backslashes_is_masked_in_every_log_report_and_event()
    {
        const string secret = "pa\"ss\\wo/rd\u0001x";
        var escaped = "pa\\\"ss\\\\wo\\/rd\\u0001x";
        var claude = Script(
            """{"type":"assistant","message":{"content":[{"type":"text","text":"mine is SECRET"}]}}""",
            """{"type":"result","subtype":"success","is_error":false,"result":"the secret is SECRET","session_id":"s","num_turns":1}""")
            .Replace("SECRET", escaped, StringComparison.Ordinal);
        var observer = new RecordingObserver();

        var summary = await FakeRuns.RunAsync(RequestWith(claude, new Dictionary<string, string> { ["MY_PASSWORD"] = secret }), observer);

        Assert.True(summary.AllSucceeded, summary.Results[0].Message);
        Assert.Equal("the secret is ***", summary.Results[0].ResultText);
        var written = string.Concat(Directory.EnumerateFiles(_scratch.LogDirectory).Select(File.ReadAllText));
        foreach (var form in new[] { secret, escaped, "pa\"ss", "ss\\wo", "pa\\\"ss" })
        {
            Assert.DoesNotContain(form, written, StringComparison.Ordinal);
            Assert.DoesNotContain(observer.Events, e => e is PromptOutput output && output.Text.Contains(form, StringComparison.Ordinal));
        }

        Assert.Contains(observer.Events, e => e is PromptOutput { Text: "mine is ***" });
    }

    [Fact]
    public async Task A_short_numeric_secret_inside_claude_json_does_not_change_the_verdict()
    {
        var claude = Script("""{"type":"result","subtype":"success","is_error":false,"result":"done","duration_ms":123456,"num_turns":1}""");

        var summary = await FakeRuns.RunAsync(RequestWith(claude, new Dictionary<string, string> { ["MY_PASSWORD"] = "123456" }));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.DoesNotContain("123456", await File.ReadAllTextAsync(result.StreamFile!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_escape_in_the_result_line_keeps_the_success()
    {
        var claude = Script("""{"type":"result","subtype":"success","is_error":false,"result":"half an emoji: \ud83d","num_turns":1}""");

        var summary = await FakeRuns.RunAsync(RequestWith(claude, new Dictionary<string, string>()));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal("half an emoji: \uFFFD", result.ResultText);
    }

    [Fact]
    public void A_derived_id_carries_no_secret_of_the_prompt_env_or_the_process()
    {
        var set = PromptSet.Load(
            [PromptSource.FromPrompts([new PromptInput("Deploy with ghp_abcdef123456 now", null, new PromptOptions { Env = new Dictionary<string, string> { ["GH_TOKEN"] = "ghp_abcdef123456" } })])],
            PromptOptions.None,
            _scratch.Directory);

        var id = Assert.Single(set.Prompts).Id;
        Assert.DoesNotContain("abcdef", id, StringComparison.Ordinal);
        Assert.StartsWith("deploy-with-now-", id, StringComparison.Ordinal);
    }

    private string RequestScriptPath => Path.Combine(_scratch.Directory, "claude.sh");

    private RunRequest RequestWith(string script, IReadOnlyDictionary<string, string> env)
    {
        File.WriteAllText(RequestScriptPath, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(RequestScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return FakeRuns.Request(_scratch, [new PromptInput("go", "scripted", new PromptOptions { Env = env })]) with { ClaudePath = RequestScriptPath };
    }

    /// <summary>A claude that reads its prompt and prints <paramref name="lines"/> as they are.</summary>
    private static string Script(params string[] lines)
    {
        var script = new StringBuilder("#!/bin/sh\ncat >/dev/null\n");
        foreach (var line in lines)
        {
            script.Append("cat <<'EOF'\n").Append(line).Append("\nEOF\n");
        }

        return script.ToString();
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
