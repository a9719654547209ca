namespace ClaudeRunner;

/// <summary>What to merge and where the merged reports go (the same defaults as a run's: in the log directory).</summary>
public sealed record MergeRequest
{
    /// <summary>Shard summary files, or directories whose <c>summary.*-of-*.json</c> files (in any subdirectory) are merged.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The directory relative paths resolve against.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>The directory of the merged reports when <see cref="SummaryFile"/> or <see cref="JUnitFile"/> is not given; default <c>claude-logs</c>.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>The merged summary; default <c>summary.json</c> in the log directory.</summary>
    public string? SummaryFile { get; init; }

    /// <summary>The merged JUnit report; default <c>junit.xml</c> in the log directory.</summary>
    public string? JUnitFile { get; init; }

    /// <summary>The merged HTML report; default <c>report.html</c> in the log directory.</summary>
    public string? ReportFile { get; init; }

    /// <summary>Where the reports go, resolved as a run resolves them.</summary>
    internal RunRequest Outputs => new() { BaseDirectory = BaseDirectory, LogDirectory = LogDirectory, SummaryFile = SummaryFile, JUnitFile = JUnitFile, ReportFile = ReportFile };
}

/// <summary>The merged summary, or why the shards could not be merged.</summary>
/// <param name="Summary">The whole set's summary, written to its <see cref="RunSummary.SummaryFile"/> and <see cref="RunSummary.JUnitFile"/>; null when there are problems.</param>
/// <param name="Problems">Why the shards do not make the whole set (missing, duplicated, disagreeing, unreadable); empty when they do.</param>
public sealed record MergeResult(RunSummary? Summary, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the shards made the whole set and the merged reports were written.</summary>
    public bool Complete => Summary is not null && Problems.Count == 0;

    /// <summary>The line every front end prints: the merged headline, or how many problems stopped the merge.</summary>
    public string Headline => Summary is { } summary && Problems.Count == 0
        ? summary.Headline
        : $"The shard summaries cannot be merged: {Problems.Count} problem{(Problems.Count == 1 ? string.Empty : "s")}";
}

/// <summary>
/// Merges the summaries of a sharded run's CI jobs into one summary and JUnit report of the whole set, after checking
/// that they are the whole set: every shard 1 to n once, all of the same n and the same set of prompts, every prompt
/// in exactly one shard. The rows keep the whole set's input order.
/// </summary>
public static class ShardMerge
{
    /// <summary>The name pattern of shard summaries in a directory given to the merge.</summary>
    public const string ShardSummaryPattern = "summary.*-of-*.json";

    /// <summary>Reads, checks and merges; writes the merged reports only when the shards make the whole set.</summary>
    public static MergeResult Merge(MergeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        var inputs = request.Inputs.Select(input => Path.GetFullPath(input, request.BaseDirectory)).ToList();
        foreach (var directory in inputs.Where(Directory.Exists).Where(d => !Directory.EnumerateFiles(d, ShardSummaryPattern, SearchOption.AllDirectories).Any()))
        {
            problems.Add($"'{directory}' holds no shard summary ({ShardSummaryPattern}).");
        }

        var shards = new List<RunSummary>();
        foreach (var file in SummaryFiles.Find(inputs, ShardSummaryPattern))
        {
            try
            {
                shards.Add(AsShard(SummaryFiles.Read(file)));
            }
            catch (InvalidDataException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (inputs.Count == 0 || (shards.Count == 0 && problems.Count == 0))
        {
            problems.Add("No shard summaries given.");
        }

        if (shards.Count > 0)
        {
            problems.AddRange(Check(shards));
        }

        if (problems.Count > 0)
        {
            return new MergeResult(null, problems);
        }

        var outputs = request.Outputs;
        var byId = shards.SelectMany(shard => shard.Results).ToDictionary(result => result.Id, StringComparer.Ordinal);
        var merged = new RunSummary
        {
            Results = [.. shards[0].ShardSet!.Select(id => byId[id])],
            Start = shards.Min(shard => shard.Start),
            End = shards.Max(shard => shard.End),
            Cancelled = shards.Any(shard => shard.Cancelled),
            SummaryFile = outputs.ResolvedSummaryFile,
            JUnitFile = outputs.ResolvedJUnitFile,
            ReportFile = outputs.ResolvedReportFile,
        };
        try
        {
            RunReports.WriteSummary(merged.SummaryFile, merged);
            RunReports.WriteJUnit(merged.JUnitFile, merged);
            HtmlReport.Write(merged.ReportFile, merged);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new MergeResult(null, [$"The merged reports could not be written: {ex.Message}"]);
        }

        return new MergeResult(merged, []);
    }

    /// <summary>A summary of a run without shards is the one shard of its own set.</summary>
    private static RunSummary AsShard(RunSummary summary) =>
        summary.Shard is null ? summary with { Shard = new Shard(1, 1), ShardSet = [.. summary.Results.Select(r => r.Id)] } : summary;

    /// <summary>Why the shards are not exactly the whole set, one sentence each.</summary>
    private static IEnumerable<string> Check(List<RunSummary> shards)
    {
        var first = shards[0];
        var total = first.Shard!.Total;
        var disagreeing = shards.Where(shard => shard.Shard!.Total != total || !shard.ShardSet!.SequenceEqual(first.ShardSet!, StringComparer.Ordinal)).ToList();
        foreach (var shard in disagreeing)
        {
            yield return $"'{shard.SummaryFile}' (shard {shard.Shard}) was cut from another set of prompts than '{first.SummaryFile}' (shard {first.Shard}): different prompts or a different number of shards.";
        }

        if (disagreeing.Count > 0)
        {
            yield break;
        }

        foreach (var index in Enumerable.Range(1, total))
        {
            var files = shards.Where(shard => shard.Shard!.Index == index).Select(shard => $"'{shard.SummaryFile}'").ToList();
            if (files.Count == 0)
            {
                yield return $"Shard {index}/{total} is missing.";
            }
            else if (files.Count > 1)
            {
                yield return $"Shard {index}/{total} is given {files.Count} times: {string.Join(", ", files)}.";
            }
        }

        var set = new HashSet<string>(first.ShardSet!, StringComparer.Ordinal);
        var seen = new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        foreach (var shard in shards.DistinctBy(shard => shard.Shard))
        {
            foreach (var id in shard.Results.Select(result => result.Id))
            {
                if (!set.Contains(id))
                {
                    yield return $"Prompt '{id}' of shard {shard.Shard} is not in the set the shards were cut from.";
                }
                else if (!seen.TryAdd(id, shard))
                {
                    yield return $"Prompt '{id}' ran in shard {seen[id].Shard} and in shard {shard.Shard}: the shards did not cut the set alike (every job must start from the same history: the same History files and the same restored cache).";
                }
            }
        }

        if (shards.DistinctBy(shard => shard.Shard).Count() == total)
        {
            foreach (var id in first.ShardSet!.Where(id => !seen.ContainsKey(id)))
            {
                yield return $"Prompt '{id}' ran in no shard: the shards did not cut the set alike (every job must start from the same history: the same History files and the same restored cache).";
            }
        }
    }
}
