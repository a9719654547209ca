using Cake.Common.IO;
using Cake.Frosting;

namespace Build;

/// <summary>Runs every prompt of the prompts file (<c>--prompts</c>); fails the build when any fails.</summary>
[TaskName("Claude")]
public sealed class ClaudeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => ClaudeSteps.RunPrompts(context, context.PromptsFile, context.Claude);
}

/// <summary>Asks Claude to review each C# file of the sample, read-only.</summary>
[TaskName("Review")]
public sealed class ReviewTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        ClaudeSteps.ReviewFiles(context, context.GetFiles("../sample/**/*.cs"), maxParallel: 2, settings => settings.ClaudePath = context.Claude.ClaudePath);
}

[TaskName("Default")]
[IsDependentOn(typeof(ClaudeTask))]
public sealed class DefaultTask : FrostingTask
{
}
