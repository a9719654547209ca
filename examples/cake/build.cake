// Runs the example prompts with the Cake.ClaudeRunner add-in.
//   dotnet cake build.cake                          run every prompt of ../prompts.json; fails when any fails
//   dotnet cake build.cake --target=Plan            dry run: log each claude command, start nothing
//   dotnet cake build.cake --prompts=other.json --max-parallel=2 --claude=/path/to/claude
#addin nuget:?package=Cake.ClaudeRunner&version=0.1.0

var target = Argument("target", "Claude");
var prompts = Argument("prompts", "../prompts.json");
var claudePath = Argument("claude", "");

ClaudeRunnerSettings Settings()
{
    var settings = new ClaudeRunnerSettings
    {
        MaxParallel = Argument("max-parallel", 4),
        LogDirectory = "claude-logs",
        Timeout = TimeSpan.FromMinutes(10),
    };
    if (claudePath != "")
    {
        settings.ClaudePath = claudePath;
    }

    return settings;
}

Task("Claude")
    .Description("Runs every prompt; the build fails when any prompt fails.")
    .Does(() =>
{
    var summary = RunClaudeParallel(prompts, Settings());
    foreach (var result in summary.Results)
    {
        Information("{0}: {1} in {2:0.0}s", result.Id, result.Outcome, result.Duration.TotalSeconds);
    }

    Information("{0}, ${1:0.####}; details in {2}", summary.Headline, summary.TotalCostUsd, summary.SummaryFile);
});

Task("Plan")
    .Description("Logs the claude command of each prompt; starts nothing.")
    .Does(() => RunClaudeParallel(prompts, Settings().WithDryRun()));

RunTarget(target);
