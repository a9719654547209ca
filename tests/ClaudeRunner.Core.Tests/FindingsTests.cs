using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>findings: true — the built-in schema and instructions reach claude; findings come back checked, located and judged against FailOn.</summary>
public sealed class FindingsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public FindingsTests()
    {
        _scratch.WriteFile("src/auth.cs", "class Auth {}\n");
    }

    public void Dispose() => _scratch.Dispose();

    private static string Findings(params string[] findings) => $$"""{"findings":[{{string.Join(',', findings)}}]}""";

    private static string At(string file, int line, string severity, string extra = "") =>
        $$"""{"file":"{{file}}","line":{{line}},"severity":"{{severity}}","message":"{{severity}} at {{file}}"{{extra}}}""";

    private async Task<RunSummary> ReviewAsync(string output, string options = "")
    {
        var prompt = FakeClaudeScratch.PromptWithOutput(output);
        var json = $$"""{"prompts": [{"id": "review", "prompt": {{prompt}}, "findings": true {{options}} }]}""";
        return await FakeRuns.RunAsync(FakeRuns.Request(_scratch) with { Sources = [PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))] });
    }

    [Fact]
    public async Task Claude_gets_the_findings_schema_and_the_reporting_instructions_after_the_users_system_prompt()
    {
        await ReviewAsync(Findings(), """, "appendSystemPrompt": "Be strict." """);

        var args = Assert.Single(_scratch.Invocations()).Args.ToList();
        using var schema = JsonDocument.Parse(args[args.IndexOf("--json-schema") + 1]);
        Assert.Equal(["findings"], schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var system = args[args.IndexOf("--append-system-prompt") + 1];
        Assert.StartsWith("Be strict.\n\nReport your review through the StructuredOutput tool", system, StringComparison.Ordinal);
        Assert.Single(args, "--append-system-prompt");
    }

    [Fact]
    public async Task A_finding_at_an_existing_file_is_located_there_and_an_error_fails_the_prompt_with_FindingsReported()
    {
        var summary = await ReviewAsync(Findings(At("src/auth.cs", 1, "error", ",\"column\":7,\"endLine\":1,\"endColumn\":11,\"code\":\"SEC001\""), At("src/auth.cs", 1, "warning")));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.FindingsReported, result.Outcome);
        Assert.Equal("1 finding at or above error (FailOn): 1 error, 1 warning, 0 notes.", result.Message);
        var error = result.Findings[0];
        Assert.Equal((Path.Combine(_scratch.Directory, "src", "auth.cs"), 1, 7, 1, 11), (error.FullPath, error.Line, error.Column, error.EndLine, error.EndColumn));
        Assert.Equal(("CCRSEC001", FindingSeverity.Error, true), (error.DiagnosticCode, error.ReportedSeverity, error.Fails));
        Assert.Equal(("CCR201", false), (result.Findings[1].DiagnosticCode, result.Findings[1].Fails));
        Assert.Equal(
            $"{error.FullPath}(1,7,1,11): error CCRSEC001: [review] error at src/auth.cs [{Path.Combine(_scratch.Directory, "prompts.json")}]",
            error.DiagnosticLine(result.Location));
        Assert.Equal("findings: 1 error, 1 warning, 0 notes", summary.FindingsLine);
        Assert.Equal("1 of 1 prompt failed", summary.Headline);
    }

    [Fact]
    public async Task A_finding_outside_the_working_directory_or_at_a_missing_file_is_a_note_on_the_prompt_and_fails_nothing()
    {
        var summary = await ReviewAsync(Findings(At("../../etc/passwd", 1, "error"), At("src/missing.cs", 3, "error"), At("/etc/hostname", 1, "error")));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.All(result.Findings, f => Assert.Equal((FindingSeverity.Note, "CCR203", false), (f.ReportedSeverity, f.DiagnosticCode, f.Fails)));
        Assert.StartsWith("the file is outside", result.Findings[0].RefusedBecause, StringComparison.Ordinal);
        Assert.Equal("no such file", result.Findings[1].RefusedBecause);
        Assert.StartsWith("the file is outside", result.Findings[2].RefusedBecause, StringComparison.Ordinal);
        Assert.StartsWith($"{result.Location}: note CCR203: [review] a error finding at '../../etc/passwd' line 1 is not reported there", result.Findings[0].DiagnosticLine(result.Location), StringComparison.Ordinal);
        Assert.Equal("findings: 0 errors, 0 warnings, 3 notes", summary.FindingsLine);
    }

    [Theory]
    [InlineData("error", "warning", Outcome.Succeeded)]
    [InlineData("error", "error", Outcome.FindingsReported)]
    [InlineData("warning", "warning", Outcome.FindingsReported)]
    [InlineData("warning", "note", Outcome.Succeeded)]
    [InlineData("never", "error", Outcome.Succeeded)]
    public async Task FailOn_decides_which_severities_fail_the_prompt(string failOn, string severity, Outcome expected)
    {
        var summary = await ReviewAsync(Findings(At("src/auth.cs", 1, severity)), $", \"failOn\": \"{failOn}\"");

        var result = Assert.Single(summary.Results);
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(expected == Outcome.FindingsReported, result.Findings[0].Fails);
        // An error that fails nothing shows as a warning: a build error would fail the build whatever FailOn says.
        Assert.Equal(failOn == "never" ? FindingSeverity.Warning : result.Findings[0].ReportedSeverity, result.Findings[0].BuildSeverity);
    }

    [Fact]
    public async Task The_summary_lists_each_prompts_findings_and_counts_them_by_severity()
    {
        var summary = await ReviewAsync(Findings(At("src/auth.cs", 1, "warning"), At("src/auth.cs", 1, "note"), At("nope.cs", 2, "warning")));

        using var report = JsonDocument.Parse(File.ReadAllText(summary.SummaryFile!));
        var counts = report.RootElement.GetProperty("totals").GetProperty("findings");
        Assert.Equal((0, 1, 2), (counts.GetProperty("error").GetInt32(), counts.GetProperty("warning").GetInt32(), counts.GetProperty("note").GetInt32()));
        var rows = report.RootElement.GetProperty("prompts")[0].GetProperty("findings");
        Assert.Equal(["warning", "note", "note"], rows.EnumerateArray().Select(r => r.GetProperty("severity").GetString()));
        Assert.Equal("no such file", rows[2].GetProperty("refusedBecause").GetString());
    }

    [Fact]
    public async Task An_empty_review_succeeds_and_a_review_whose_answer_is_not_findings_ends_NoStructuredOutput()
    {
        var empty = await ReviewAsync(Findings());
        var wrong = await ReviewAsync("""{"issues":[]}""");

        Assert.Equal((Outcome.Succeeded, 0), (empty.Results[0].Outcome, empty.Results[0].Findings.Count));
        Assert.Equal(Outcome.NoStructuredOutput, wrong.Results[0].Outcome);
    }

    [Fact]
    public async Task A_review_that_failed_on_its_findings_is_judged_again_from_the_cache_without_running()
    {
        var output = Findings(At("src/auth.cs", 1, "error"));
        var first = await ReviewAsync(output);
        var again = await ReviewAsync(output);
        var relaxed = await ReviewAsync(output, ", \"failOn\": \"never\"");

        Assert.Equal(Outcome.FindingsReported, first.Results[0].Outcome);
        Assert.Equal(Outcome.FindingsReported, again.Results[0].Outcome);
        Assert.NotNull(again.Results[0].UpToDateWith);
        Assert.Single(again.Results[0].Findings);
        Assert.Equal(Outcome.UpToDate, relaxed.Results[0].Outcome);
        Assert.Single(_scratch.Invocations());
    }

    [Fact]
    public async Task An_isolated_review_that_failed_on_its_findings_is_judged_again_from_the_cache_without_running_too()
    {
        ScratchGit.InitWithCommit(_scratch.Directory);
        var output = Findings(At("src/auth.cs", 1, "error"));
        var first = await ReviewAsync(output, ", \"isolation\": \"worktree\"");
        var again = await ReviewAsync(output, ", \"isolation\": \"worktree\"");

        Assert.Equal(Outcome.FindingsReported, first.Results[0].Outcome);
        Assert.Equal(Outcome.FindingsReported, again.Results[0].Outcome);
        Assert.NotNull(again.Results[0].UpToDateWith);
        Assert.Single(_scratch.Invocations());
    }
}
