using Microsoft.Build.Framework;

namespace ClaudeRunner.Tests;

/// <summary>A review's findings become the build's own errors, warnings and messages, at their files and lines; structured output reaches Results.</summary>
[Collection(MSBuildCollection.Name)]
public sealed class FindingsDiagnosticsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();
    private readonly InProcessBuild _build;
    private readonly string _source;

    public FindingsDiagnosticsTests()
    {
        _build = new InProcessBuild(_scratch.Directory);
        _source = _scratch.WriteFile("src/auth.cs", "class Auth\n{\n}\n");
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>A prompts file with one review prompt whose claude answers <paramref name="findings"/> (JSON objects).</summary>
    private string Review(string failOn, params string[] findings)
    {
        var output = $$"""{"findings":[{{string.Join(',', findings)}}]}""";
        var prompt = FakeClaudeScratch.PromptWithOutput(output);
        return _scratch.WriteFile("prompts.json", $$"""
            {
              "prompts": [
                { "id": "review", "prompt": {{prompt}}, "findings": true, "failOn": "{{failOn}}" }
              ]
            }
            """);
    }

    private BuildRun Build() => _build.WithProject($"""
          <Target Name="Build">
            <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()}>
              <Output TaskParameter="Results" ItemName="ClaudeResult" />
            </RunClaudeParallel>
            <Message Importance="high" Text="FINDINGS %(ClaudeResult.Findings) OUTPUT %(ClaudeResult.StructuredOutput)" />
          </Target>
        """).Build();

    [Fact]
    public void Findings_are_logged_as_errors_warnings_and_messages_at_their_file_lines_and_columns_and_an_error_fails_the_build()
    {
        var promptsFile = Review(
            "error",
            """{"file":"src/auth.cs","line":2,"column":1,"endLine":3,"endColumn":2,"severity":"error","code":"SEC001","message":"Auth has no body."}""",
            """{"file":"src/auth.cs","line":1,"severity":"warning","message":"Name it AuthService."}""",
            """{"file":"src/auth.cs","line":3,"column":1,"severity":"note","message":"Consider sealing it."}""");

        var run = Build();

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Errors, e => e.Code == "CCRSEC001");
        Assert.Equal((_source, 2, 1, 3, 2, "[review] Auth has no body."), (error.File, error.LineNumber, error.ColumnNumber, error.EndLineNumber, error.EndColumnNumber, error.Message));
        var warning = Assert.Single(run.Warnings, w => w.Code == "CCR201");
        Assert.Equal((_source, 1, 0, "[review] Name it AuthService."), (warning.File, warning.LineNumber, warning.ColumnNumber, warning.Message));
        var note = Assert.Single(run.Messages, m => m.Code == "CCR202");
        Assert.Equal((_source, 3, 1, MessageImportance.High), (note.File, note.LineNumber, note.ColumnNumber, note.Importance));
        // The prompt fails too, once, at its line in the prompts file.
        var prompt = Assert.Single(run.Errors, e => e.Code == "CCR012");
        Assert.Equal((promptsFile, 3), (prompt.File, prompt.LineNumber));
        Assert.StartsWith("Prompt 'review' FindingsReported: 1 finding at or above error (FailOn): 1 error, 1 warning, 1 note.", prompt.Message, StringComparison.Ordinal);
        Assert.Contains("findings: 1 error, 1 warning, 1 note", run.HighMessages);
    }

    [Fact]
    public void Findings_outside_the_project_or_at_missing_files_are_messages_at_the_prompt_and_the_build_stays_green()
    {
        var promptsFile = Review(
            "error",
            """{"file":"../../../etc/passwd","line":1,"severity":"error","message":"Outside."}""",
            """{"file":"src/missing.cs","line":4,"severity":"error","message":"Missing."}""");

        var run = Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Empty(run.Warnings);
        var notes = run.Messages.Where(m => m.Code == "CCR203").ToList();
        Assert.Equal(2, notes.Count);
        Assert.All(notes, n => Assert.Equal((promptsFile, 3), (n.File, n.LineNumber)));
        Assert.Contains("'../../../etc/passwd' line 1 is not reported there: the file is outside", notes[0].Message, StringComparison.Ordinal);
        Assert.Contains("'src/missing.cs' line 4 is not reported there: no such file", notes[1].Message, StringComparison.Ordinal);
        // The Results item carries the structured output as JSON text.
        Assert.Contains(run.HighMessages, m => m.StartsWith("FINDINGS 2 OUTPUT {\"findings\":[{\"file\":\"../../../etc/passwd\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("warning", "note", false, 1)]
    [InlineData("never", "error", true, 2)]
    public void FailOn_warning_fails_the_build_on_a_warning_and_never_turns_error_findings_into_warnings(string failOn, string secondSeverity, bool succeeds, int warnings)
    {
        Review(
            failOn,
            """{"file":"src/auth.cs","line":1,"severity":"warning","message":"A warning."}""",
            $$"""{"file":"src/auth.cs","line":2,"severity":"{{secondSeverity}}","message":"Another."}""");

        var run = Build();

        Assert.Equal(succeeds, run.Succeeded);
        Assert.Equal(warnings, run.Warnings.Count(w => w.File == _source));
        Assert.Equal(succeeds ? 0 : 1, run.Errors.Count(e => e.Code == "CCR012"));
        Assert.DoesNotContain(run.Errors, e => e.File == _source);
    }
}
