using Cake.ClaudeRunner;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using ClaudeRunner;

namespace Build;

/// <summary>
/// The Claude steps of this build. They take any <see cref="ICakeContext"/> (a <c>FrostingContext</c> is one),
/// so the add-in's tests compile this very file and run it through a <see cref="CakeContextAdapter"/>.
/// </summary>
public static class ClaudeSteps
{
    /// <summary>Runs every prompt of <paramref name="promptsFile"/>; the task fails when any prompt fails.</summary>
    public static RunSummary RunPrompts(ICakeContext context, FilePath promptsFile, ClaudeRunnerSettings settings)
    {
        var summary = context.RunClaudeParallel(promptsFile, settings);
        context.Log.Information("{0} in {1:0.0}s, ${2:0.####}", summary.Headline, summary.Duration.TotalSeconds, summary.TotalCostUsd);
        return summary;
    }

    /// <summary>Asks Claude to review each source file, at most <paramref name="maxParallel"/> at once, read-only.</summary>
    public static RunSummary ReviewFiles(ICakeContext context, IEnumerable<FilePath> files, int maxParallel, Action<ClaudeRunnerSettings> configure)
    {
        var settings = new ClaudeRunnerSettings()
            .WithMaxParallel(maxParallel)
            .WithPermissionMode("plan")
            .WithAllowedTools("Read", "Grep");
        configure(settings);
        return context.RunClaudeParallel(files.Select(file => $"Review {file.FullPath} for bugs. Reply with a short list."), settings);
    }
}
