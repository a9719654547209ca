// Reviews ../sample/*.cs with the Cake.ClaudeRunner add-in, one prompt per file (prompts.json here). Each finding is
// logged as `/path/sample/Calculator.cs(12,5): warning CCR201: [review--sample-calculator-cs] message [prompts.json]`;
// an error finding fails the task. The findings are also in claude-logs/findings.sarif.
//   dotnet cake build.cake                          review; fails on an error finding
//   dotnet cake build.cake --fail-on=never          report the findings, fail on nothing
//   dotnet cake build.cake --target=Plan            dry run: log each claude command, start nothing
//   dotnet cake build.cake --claude=/path/to/claude
#addin nuget:?package=Cake.ClaudeRunner&version=0.1.0

var target = Argument("target", "Review");
var claudePath = Argument("claude", "");

ClaudeRunnerSettings Settings()
{
    var settings = new ClaudeRunnerSettings { LogDirectory = "claude-logs", FailOn = Argument("fail-on", "error") };
    if (claudePath != "")
    {
        settings.ClaudePath = claudePath;
    }

    return settings;
}

Task("Review")
    .Description("Reviews every sample file; each finding is a file(line,col) diagnostic in the log.")
    .Does(() =>
{
    var summary = RunClaudeParallel("prompts.json", Settings());
    Information("{0}; {1}; SARIF: {2}", summary.Headline, summary.FindingsLine, summary.SarifFile);
});

Task("Plan")
    .Description("Logs the claude command of each review; starts nothing.")
    .Does(() => RunClaudeParallel("prompts.json", Settings().WithDryRun()));

RunTarget(target);
