using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeRunner.Tests;

/// <summary>claude-runner with reviews and structured output: findings as canonical diagnostic lines on stderr, counts on stdout.</summary>
public sealed class CliFindingsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Review(string output)
    {
        var prompt = FakeClaudeScratch.PromptWithOutput(output);
        return _scratch.WriteFile("prompts.json", $$"""{"prompts": [{"id": "review", "prompt": {{prompt}}, "findings": true}]}""");
    }

    [Theory]
    [InlineData(new string[0], 1)]
    [InlineData(new[] { "--fail-on", "never" }, 0)]
    public async Task Findings_are_file_line_diagnostics_on_stderr_and_an_error_finding_exits_1_unless_FailOn_is_never(string[] extra, int exitCode)
    {
        var source = _scratch.WriteFile("src/auth.cs", "class Auth {}\n");
        var promptsFile = Review("""{"findings":[{"file":"src/auth.cs","line":1,"column":7,"severity":"error","code":"SEC1","message":"Broken."},{"file":"../outside.cs","line":3,"severity":"warning","message":"Elsewhere."}]}""");

        var result = await CliProcess.RunWithFakeAsync(_scratch, null, ["prompts.json", .. extra]);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{source}(1,7): {(exitCode == 0 ? "warning" : "error")} CCRSEC1: [review] Broken. [{promptsFile}]", errors[0]);
        Assert.Matches($@"^{Regex.Escape(promptsFile)}\(1,\d+\): note CCR203: \[review\] a warning finding at '\.\./outside\.cs' line 3 is not reported there: the file is outside", errors[1]);
        Assert.Equal("findings: 1 error, 0 warnings, 1 note", result.OutputLines[^1]);
    }

    [Fact]
    public async Task An_output_schema_given_on_the_command_line_reaches_claude_and_the_output_the_summary()
    {
        const string Prompts = """{"prompts": [{"id": "q", "prompt": "@fake output={\"answer\":42}\nWhat is it?"}]}""";
        var result = await CliProcess.RunWithFakeAsync(_scratch, Prompts, "-", "--output-schema", """{"type":"object","required":["answer"]}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")));
        Assert.Equal(42, summary.RootElement.GetProperty("prompts")[0].GetProperty("output").GetProperty("answer").GetInt32());
        Assert.Contains("--json-schema", Assert.Single(_scratch.Invocations()).Args);
    }
}
