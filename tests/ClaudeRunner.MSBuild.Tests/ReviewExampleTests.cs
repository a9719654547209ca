namespace ClaudeRunner.Tests;

/// <summary>
/// examples/review built by <c>dotnet build</c> as a user would, in a copy (so nothing is written into the repository),
/// with FakeClaude as claude answering every review with findings. Slow: a restore and a build.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReviewExampleTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_review_example_turns_each_finding_into_a_build_diagnostic_at_the_sample_file_and_fails_on_an_error()
    {
        var examples = Path.Combine(_scratch.Directory, "examples");
        foreach (var folder in new[] { "review", "sample" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(DotnetCli.RepositoryRoot, "examples", folder)))
            {
                Directory.CreateDirectory(Path.Combine(examples, folder));
                File.Copy(file, Path.Combine(examples, folder, Path.GetFileName(file)));
            }
        }

        const string Findings = """{"findings":[{"file":"sample/Calculator.cs","line":6,"column":55,"severity":"error","message":"Division by zero when divisor is 0."},{"file":"sample/Calculator.cs","line":16,"severity":"warning","message":"Integer division truncates the average."}]}""";
        var environment = new Dictionary<string, string>(_scratch.Environment)
        {
            ["FAKE_CLAUDE_SCRIPT"] = $"output=\"{Findings.Replace("\"", "\\\"", StringComparison.Ordinal)}\"",
        };

        var build = await DotnetCli.RunAsync(
            Path.Combine(examples, "review"),
            environment,
            "build", "-nr:false", "-tl:off", "-c", DotnetCli.Configuration,
            $"-p:ClaudePath={FakeClaudeScratch.FakeClaudePath}",
            // The task from this repository's build, not a copy's: the example's own imports point two folders up.
            $"-p:ClaudeRunnerSource={Path.Combine(DotnetCli.RepositoryRoot, "src", "ClaudeRunner.MSBuild")}/",
            "-p:BuildProjectReferences=false");

        var calculator = Path.Combine(examples, "sample", "Calculator.cs");
        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Contains($"{calculator}(6,55): error CCR200: [review--sample-calculator-cs] Division by zero when divisor is 0.", build.Output, StringComparison.Ordinal);
        Assert.Contains($"{calculator}(16): warning CCR201: [review--sample-calculator-cs] Integer division truncates the average.", build.Output, StringComparison.Ordinal);
        Assert.Contains("error CCR012: Prompt 'review--sample-calculator-cs' FindingsReported", build.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(examples, "review", "obj", "claude", "findings.sarif")), build.Output);
        var review = Assert.Single(_scratch.Invocations());
        Assert.Contains("--json-schema", review.Args);
    }
}
