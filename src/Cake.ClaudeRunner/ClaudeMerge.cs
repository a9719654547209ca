using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>One call of the merge alias: the engine's merge, its result into Cake's log and conventions.</summary>
internal static class ClaudeMerge
{
    public static RunSummary Execute(ICakeContext context, IEnumerable<Core.IO.Path> inputs, ClaudeMergeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var result = ShardMerge.Merge(new MergeRequest
        {
            Inputs = [.. inputs.Select(input => input.FullPath)],
            BaseDirectory = context.Environment.WorkingDirectory.FullPath,
            LogDirectory = settings.LogDirectory?.FullPath,
            SummaryFile = settings.SummaryFile?.FullPath,
            JUnitFile = settings.JUnitFile?.FullPath,
            ReportFile = settings.ReportFile?.FullPath,
        });
        if (result.Summary is not { } summary || !result.Complete)
        {
            throw new CakeException($"{result.Headline}:{Environment.NewLine}{string.Join(Environment.NewLine, result.Problems)}");
        }

        CakeLogObserver.Write(context.Log, Verbosity.Normal, LogLevel.Information, $"{result.Headline}; summary: {summary.SummaryFile}, JUnit: {summary.JUnitFile}, report: {summary.ReportFile}");
        return summary.AllSucceeded
            ? summary
            : throw new CakeException($"{summary.Headline}: {string.Join(", ", summary.Failures.Select(r => $"{r.Id} ({r.Outcome}: {r.Message})"))}. Summary: {summary.SummaryFile}");
    }
}
