using Microsoft.Build.Framework;

namespace ClaudeRunner.MSBuild;

/// <summary>
/// Merges the summaries of a sharded run's CI jobs (<c>RunClaudeParallel Shard="i/n"</c>) into one summary and JUnit
/// report of the whole set: <c>&lt;MergeClaudeSummaries Summaries="shards" /&gt;</c>. A shard missing, given twice or cut
/// from another set is a <c>CCR104</c> error and nothing is written; a failed prompt is an error with its outcome's code.
/// </summary>
public sealed class MergeClaudeSummaries : Microsoft.Build.Utilities.Task
{
    /// <summary>The shards' summary files, or directories whose <c>summary.*-of-*.json</c> files (in any subdirectory) are merged; relative to the project.</summary>
    [Required]
    public ITaskItem[] Summaries { get; set; } = [];

    /// <summary>The directory of the merged reports when their files are not given. Default: obj/claude.</summary>
    public string? LogDirectory { get; set; }

    /// <summary>The merged summary JSON file. Default: summary.json in the log directory.</summary>
    public string? SummaryFile { get; set; }

    /// <summary>The merged JUnit XML report. Default: junit.xml in the log directory.</summary>
    public string? JUnitFile { get; set; }

    /// <summary>The merged HTML report. Default: report.html in the log directory.</summary>
    public string? ReportFile { get; set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        var taskLocation = new SourceLocation(BuildEngine.ProjectFileOfTaskNode, BuildEngine.LineNumberOfTaskNode, BuildEngine.ColumnNumberOfTaskNode);
        var result = ShardMerge.Merge(new MergeRequest
        {
            Inputs = [.. Summaries.Select(item => item.ItemSpec)],
            BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(taskLocation.File))!,
            LogDirectory = string.IsNullOrWhiteSpace(LogDirectory) ? RunClaudeParallel.DefaultLogDirectory : LogDirectory,
            SummaryFile = string.IsNullOrWhiteSpace(SummaryFile) ? null : SummaryFile,
            JUnitFile = string.IsNullOrWhiteSpace(JUnitFile) ? null : JUnitFile,
            ReportFile = string.IsNullOrWhiteSpace(ReportFile) ? null : ReportFile,
        });
        foreach (var problem in result.Problems)
        {
            Log.LogCodedError(ErrorCodes.ShardsInconsistent, taskLocation, problem);
        }

        if (result.Summary is { } summary)
        {
            foreach (var failure in summary.Failures)
            {
                BuildLogObserver.LogFailure(Log, failure);
            }

            Log.LogMessage(MessageImportance.High, "{0}. Summary: {1}, JUnit: {2}, report: {3}", result.Headline, summary.SummaryFile, summary.JUnitFile, summary.ReportFile);
        }

        return !Log.HasLoggedErrors;
    }
}
