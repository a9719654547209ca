using Cake.ClaudeRunner;
using Cake.Common;
using Cake.Core;
using Cake.Core.IO;
using Cake.Frosting;

namespace Build;

/// <summary>The build's context: where the prompts are and how Claude runs, from the command line.</summary>
public sealed class BuildContext : FrostingContext
{
    public BuildContext(ICakeContext context)
        : base(context)
    {
        PromptsFile = context.Argument("prompts", "../prompts.json");
        Claude = new ClaudeRunnerSettings
        {
            MaxParallel = context.Argument("max-parallel", 4),
            LogDirectory = "claude-logs",
            DryRun = context.HasArgument("plan"),
        };
        if (context.Argument<string?>("claude", null) is { } claudePath)
        {
            Claude.ClaudePath = claudePath;
        }
    }

    public FilePath PromptsFile { get; }

    public ClaudeRunnerSettings Claude { get; }
}
