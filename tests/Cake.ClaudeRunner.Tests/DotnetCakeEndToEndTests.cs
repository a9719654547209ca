using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaudeRunner.Tests;

namespace Cake.ClaudeRunner.Tests;

/// <summary>
/// The packed add-in in a folder feed, loaded by <c>dotnet cake</c> (the Cake.Tool of .config/dotnet-tools.json)
/// through the <c>#addin</c> line of examples/cake/build.cake, with FakeClaude as claude. Slow: each run compiles the script.
/// </summary>
[Trait("Category", "DotnetCake")]
public sealed partial class DotnetCakeEndToEndTests(PackedAddIn addIn) : IClassFixture<PackedAddIn>, IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Dotnet_cake_loads_the_packed_addin_with_its_dependencies_and_exits_0_when_every_prompt_succeeds()
    {
        // The schema prompt needs JsonSchema.Net: the package must carry the engine's own dependencies.
        var run = await RunExampleAsync("""
            { "prompts": ["@fake\nhello", { "id": "second", "prompt": "@fake\nworld" },
              { "id": "shaped", "prompt": "@fake output={\"answer\":1}\nshape", "outputSchema": {"type": "object", "required": ["answer"]} }] }
            """);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("All 3 prompts succeeded", run.Output, StringComparison.Ordinal);
        Assert.Contains("second: Succeeded", run.Output, StringComparison.Ordinal);
        Assert.Equal(3, _scratch.Invocations().Count);
    }

    [Fact]
    public async Task Dotnet_cake_exits_non_zero_naming_the_failing_prompt()
    {
        var run = await RunExampleAsync("""{ "prompts": [{ "id": "doomed", "prompt": "@fake api_error=401" }, "@fake\nfine"] }""");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("1 of 2 prompts failed: doomed (AuthFailed:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_review_example_logs_each_finding_at_the_sample_file_and_fails_on_an_error_finding()
    {
        var review = ScriptDirectory(Path.Combine("examples", "review"), [.. new[] { "build.cake", "prompts.json" }.Select(f => Path.Combine(PackedAddIn.RepositoryRoot, "examples", "review", f))]);
        var sample = ScriptDirectory(Path.Combine("examples", "sample"), Path.Combine(PackedAddIn.RepositoryRoot, "examples", "sample", "Calculator.cs"));
        const string Findings = """{"findings":[{"file":"sample/Calculator.cs","line":6,"column":55,"severity":"error","message":"Division by zero."}]}""";
        var script = new Dictionary<string, string> { ["FAKE_CLAUDE_SCRIPT"] = $"output=\"{Findings.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" };

        var failed = await StartCake(review, script).Completion;
        var relaxed = await StartCake(review, script, "--fail-on=never").Completion;

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains($"{Path.Combine(sample, "Calculator.cs")}(6,55): error CCR200: [review--sample-calculator-cs] Division by zero. [{Path.Combine(review, "prompts.json")}]", failed.Output, StringComparison.Ordinal);
        Assert.Contains("review--sample-calculator-cs (FindingsReported:", failed.Output, StringComparison.Ordinal);
        Assert.True(relaxed.ExitCode == 0, relaxed.Output);
        Assert.Contains("findings: 1 error, 0 warnings, 0 notes; SARIF: ", relaxed.Output, StringComparison.Ordinal);
        // The second run judged the recorded review again: claude ran once.
        Assert.Single(_scratch.Invocations());
    }

    [Fact]
    public async Task Sigterm_to_dotnet_cake_stops_claude_writes_the_summary_and_fails_the_task()
    {
        var run = StartExample("""{ "prompts": [{ "id": "stuck", "prompt": "@fake hang" }] }""");
        try
        {
            var claudePid = await WaitForInvocationAsync();
            var cakePid = ParentOf(claudePid);
            Assert.Equal(0, SendSigterm(cakePid));

            var result = await run.Completion;

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("The Claude run was cancelled by SIGTERM", result.Output, StringComparison.Ordinal);
            Assert.False(ProcessProbe.IsAlive(claudePid));
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Directory, "claude-logs", "summary.json")));
            Assert.Contains("stuck", summary.RootElement.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            run.Stop();
        }
    }

    [Fact]
    public async Task A_second_dotnet_cake_with_nothing_changed_starts_no_claude_and_reports_the_prompts_up_to_date()
    {
        var directory = PrepareExample("""{ "prompts": ["@fake\nhello", { "id": "second", "prompt": "@fake\nworld" }] }""");

        var first = await StartExampleCake(directory).Completion;
        var startsOfFirstRun = _scratch.Invocations().Count;
        var second = await StartExampleCake(directory).Completion;

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(2, startsOfFirstRun);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("All 2 prompts succeeded (2 up to date)", second.Output, StringComparison.Ordinal);
        Assert.Contains("second up to date (", second.Output, StringComparison.Ordinal);
        Assert.Equal(startsOfFirstRun, _scratch.Invocations().Count);
    }

    private Task<CakeRun> RunExampleAsync(string promptsJson) => StartExample(promptsJson).Completion;

    private RunningCake StartExample(string promptsJson) => StartExampleCake(PrepareExample(promptsJson));

    /// <summary>Copies examples/cake/build.cake beside a nuget.config of the feed, the tool manifest and the prompts.</summary>
    private string PrepareExample(string promptsJson)
    {
        var directory = ScriptDirectory("script", Path.Combine(PackedAddIn.RepositoryRoot, "examples", "cake", "build.cake"));
        File.WriteAllText(Path.Combine(directory, "prompts.json"), promptsJson);
        return directory;
    }

    /// <summary>Starts <c>dotnet cake</c> on the example prepared in <paramref name="directory"/>.</summary>
    private RunningCake StartExampleCake(string directory) =>
        StartCake(directory, new Dictionary<string, string>(), "--prompts=prompts.json", "--max-parallel=2");

    /// <summary>A directory with <paramref name="files"/>, a nuget.config of the feed and the tool manifest.</summary>
    private string ScriptDirectory(string name, params string[] files)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_scratch.Directory, name)).FullName;
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        Directory.CreateDirectory(Path.Combine(directory, ".config"));
        File.Copy(Path.Combine(PackedAddIn.RepositoryRoot, ".config", "dotnet-tools.json"), Path.Combine(directory, ".config", "dotnet-tools.json"));
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="claude-runner" value="{addIn.Feed}" />
              </packageSources>
            </configuration>
            """);
        return directory;
    }

    /// <summary>Starts <c>dotnet cake build.cake</c> in <paramref name="directory"/> with FakeClaude as claude.</summary>
    private RunningCake StartCake(string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in (string[])["cake", "build.cake", $"--claude={FakeClaudeScratch.FakeClaudePath}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _scratch.Environment.Concat(environment))
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        return new RunningCake(Process.Start(start)!, directory);
    }

    private async Task<int> WaitForInvocationAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (_scratch.Invocations() is [var invocation, ..])
            {
                return invocation.Pid;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("claude was never started.");
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static int SendSigterm(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>A <c>dotnet cake</c> process; <see cref="Stop"/> kills what is left of it.</summary>
    private sealed partial class RunningCake
    {
        private readonly Process _process;

        public RunningCake(Process process, string directory)
        {
            _process = process;
            Directory = directory;
            Completion = CompleteAsync();
        }

        public string Directory { get; }

        public Task<CakeRun> Completion { get; }

        public void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        private async Task<CakeRun> CompleteAsync()
        {
            var stdout = _process.StandardOutput.ReadToEndAsync();
            var stderr = _process.StandardError.ReadToEndAsync();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                Stop();
                throw;
            }

            var output = Ansi().Replace(await stdout + await stderr, string.Empty);
            return new CakeRun(_process.ExitCode, output);
        }

        [GeneratedRegex(@"\x1b\[[0-9;]*m")]
        private static partial Regex Ansi();
    }

    private sealed record CakeRun(int ExitCode, string Output);
}

/// <summary>Cake.ClaudeRunner packed once, from the build the tests run against, into a folder feed.</summary>
public sealed class PackedAddIn : IDisposable
{
    public PackedAddIn()
    {
        Feed = Directory.CreateTempSubdirectory("cake-claude-runner-feed-").FullName;
        var pack = DotnetCli.RunAsync(RepositoryRoot, "pack", Path.Combine("src", "Cake.ClaudeRunner"), "--no-build", "-c", DotnetCli.Configuration, "-o", Feed).GetAwaiter().GetResult();
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed:{Environment.NewLine}{pack.Output}");
        }
    }

    /// <summary>The repository: the directory of ClaudeRunner.sln above the test binaries.</summary>
    public static string RepositoryRoot => DotnetCli.RepositoryRoot;

    public string Feed { get; }

    public void Dispose() => Directory.Delete(Feed, recursive: true);
}
