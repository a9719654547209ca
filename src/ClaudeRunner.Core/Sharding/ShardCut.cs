namespace ClaudeRunner;

/// <summary>
/// The part of the whole set a run takes (its shard's prompts, or all), and the order they start in: longest first
/// when the durations history knows some of them (or <c>Order=longest-first</c> asks), input order otherwise.
/// </summary>
/// <param name="Shard">The shard; null for the whole set.</param>
/// <param name="SetIds">The ids of the whole set, in input order.</param>
/// <param name="Prompts">The prompts this run takes, in input order.</param>
/// <param name="StartOrder">The indexes of <paramref name="Prompts"/> in the order they start.</param>
internal sealed record ShardCut(Shard? Shard, IReadOnlyList<string> SetIds, IReadOnlyList<Prompt> Prompts, IReadOnlyList<int> StartOrder)
{
    /// <summary>Cuts <paramref name="prompts"/> for <paramref name="shard"/> by the history of the summary files and the cache.</summary>
    public static ShardCut Make(RunRequest request, IReadOnlyList<Prompt> prompts, Shard? shard, ResultCache cache, ICollection<InputError> warnings)
    {
        var ids = prompts.Select(prompt => prompt.Id).ToList();
        var history = shard is null && request.Order == RunOptions.InputOrder
            ? DurationHistory.None
            : DurationHistory.Load(ids, (request.History ?? []).Select(path => Path.GetFullPath(path, request.BaseDirectory)), cache, warnings);
        var own = prompts;
        if (shard is not null)
        {
            var shards = ShardPartition.Assign(ids, shard.Total, history);
            own = [.. prompts.Where(prompt => shards[prompt.Id] == shard.Index)];
        }

        var longestFirst = (request.Order ?? (history.Covers(ids) ? RunOptions.LongestFirstOrder : RunOptions.InputOrder)) == RunOptions.LongestFirstOrder;
        var inputOrder = Enumerable.Range(0, own.Count);
        // OrderByDescending is stable: prompts expected to take as long start in input order.
        IReadOnlyList<int> startOrder = longestFirst ? [.. inputOrder.OrderByDescending(index => history.Expected(own[index].Id))] : [.. inputOrder];
        return new ShardCut(shard, ids, own, startOrder);
    }

    /// <summary>
    /// A shard's reports are named with it (<c>summary.2-of-4.json</c>, <c>junit.2-of-4.xml</c>) so that the jobs'
    /// artifacts can meet in one directory; a name the user gave is kept.
    /// </summary>
    public static RunRequest WithReportNames(RunRequest request, Shard? shard) => shard is null ? request : request with
    {
        SummaryFile = request.SummaryFile ?? Path.Combine(request.ResolvedLogDirectory, shard.FileName("summary", ".json")),
        JUnitFile = request.JUnitFile ?? Path.Combine(request.ResolvedLogDirectory, shard.FileName("junit", ".xml")),
    };
}
