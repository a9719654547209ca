using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Logging;

namespace ClaudeRunner.Tests;

/// <summary>
/// In GitHub Actions, actions/setup-dotnet registers a problem matcher (<c>csc</c>) that turns console lines of the form
/// <c>file(line,col): error CODE: message [project]</c> into annotations on the pull request. Our errors must keep that form.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class ProblemMatcherTests : IDisposable
{
    // The "regexp" of actions/setup-dotnet's .github/csc.json (commit 01c866d3e18463269a5db12c7204017a0a9a0ff5), as published.
    private static readonly Regex SetupDotnetCsc = new(@"^(.*)\((\d+)(?:,\d+|,\d+,\d+)?\):\s+(error|warning)\s+([a-zA-Z]+(?<!MSB)\d+):\s*(.*?)\s+\[(.*?)\]$");

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Setup_dotnets_problem_matcher_reads_a_failed_prompts_error_line_as_file_line_code_and_message()
    {
        var promptsFile = _scratch.WriteFile("prompts.json", """
            {
              "prompts": [
                "fine",
                { "id": "agent-fails", "prompt": "@fake is_error" }
              ]
            }
            """);
        var console = new StringBuilder();
        var build = new InProcessBuild(_scratch.Directory);
        // As `dotnet build` logs to a CI console (the terminal logger is off there): the project file after each error.
        build.Loggers.Add(new ConsoleLogger(LoggerVerbosity.Minimal, text => console.Append(text), _ => { }, () => { }) { Parameters = "ShowProjectFile=true" });

        var run = build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        Assert.False(run.Succeeded);
        var line = Assert.Single(console.ToString().Split('\n'), l => l.Contains("error CCR", StringComparison.Ordinal)).TrimEnd('\r').Trim();
        var match = SetupDotnetCsc.Match(line);
        Assert.True(match.Success, line);
        Assert.Equal((promptsFile, "4", "error", "CCR001"), (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value, match.Groups[4].Value));
        Assert.StartsWith("Prompt 'agent-fails' Failed:", match.Groups[5].Value, StringComparison.Ordinal);
        Assert.Equal(build.ProjectFile, match.Groups[6].Value);
    }
}
