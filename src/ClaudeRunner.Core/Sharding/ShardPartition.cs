namespace ClaudeRunner;

/// <summary>
/// Cuts the whole set's prompts into shards by id, the same way on every CI job: the result depends only on the ids
/// (not their order in the file) and the durations history, so jobs that see the same prompts and history agree on who
/// runs what. Without history, the sorted ids are dealt round robin: every shard within one prompt of the others.
/// With history, greedy longest-first: each prompt, longest expected first (ties by id), goes to the shard with the
/// least expected work so far (ties to the lowest shard); a prompt without history is expected to take the mean. Its
/// makespan is at most 4/3 of the best possible (Graham's bound for longest-processing-time-first).
/// </summary>
internal static class ShardPartition
{
    /// <summary>Each id's shard, from 1 to <paramref name="total"/>.</summary>
    /// <param name="ids">The ids of the whole set (unique).</param>
    /// <param name="total">The number of shards.</param>
    /// <param name="history">Expected durations by id; empty for none.</param>
    public static IReadOnlyDictionary<string, int> Assign(IEnumerable<string> ids, int total, DurationHistory history)
    {
        var sorted = ids.Order(StringComparer.Ordinal).ToList();
        var shards = new Dictionary<string, int>(sorted.Count, StringComparer.Ordinal);
        if (!history.Covers(sorted))
        {
            for (var i = 0; i < sorted.Count; i++)
            {
                shards[sorted[i]] = (i % total) + 1;
            }

            return shards;
        }

        var loads = new TimeSpan[total];
        foreach (var (id, expected) in history.LongestFirst(sorted))
        {
            var least = Array.IndexOf(loads, loads.Min());
            loads[least] += expected;
            shards[id] = least + 1;
        }

        return shards;
    }
}
