using Cake.Core.IO;

namespace Cake.ClaudeRunner;

/// <summary>
/// Where <see cref="ClaudeRunnerAliases.MergeClaudeSummaries(Cake.Core.ICakeContext, DirectoryPath, ClaudeMergeSettings)"/>
/// writes the merged reports: the same settings, defaults and names as a run's. Relative paths resolve against Cake's working directory.
/// </summary>
public sealed class ClaudeMergeSettings
{
    /// <summary>Gets or sets the directory of the merged reports when their files are not given. Default: claude-logs.</summary>
    public DirectoryPath? LogDirectory { get; set; }

    /// <summary>Gets or sets the merged summary JSON file. Default: summary.json in the log directory.</summary>
    public FilePath? SummaryFile { get; set; }

    /// <summary>Gets or sets the merged JUnit XML report. Default: junit.xml in the log directory.</summary>
    public FilePath? JUnitFile { get; set; }

    /// <summary>Gets or sets the merged HTML report. Default: report.html in the log directory.</summary>
    public FilePath? ReportFile { get; set; }
}
