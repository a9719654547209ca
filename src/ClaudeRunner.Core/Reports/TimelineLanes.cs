namespace ClaudeRunner;

/// <summary>
/// Lays a run's attempts out in lanes, one per concurrent slot: an attempt goes to the first lane free at its start.
/// An attempt holds a slot from its start to its end, so a run never needs more lanes than it had slots; which slot
/// actually ran it is not recorded, and does not matter to anyone reading the timeline.
/// </summary>
internal static class TimelineLanes
{
    /// <summary>For each result (by index) the lane of each attempt of its <see cref="PromptResult.History"/>.</summary>
    public static int[][] Assign(IReadOnlyList<PromptResult> results)
    {
        var lanes = results.Select(r => new int[r.History.Count]).ToArray();
        var attempts = results
            .SelectMany((result, prompt) => result.History.Select((attempt, index) => (Prompt: prompt, Index: index, attempt.Start, attempt.End)))
            .OrderBy(a => a.Start).ThenBy(a => a.End).ThenBy(a => a.Prompt);
        var laneEnds = new List<DateTimeOffset>();
        foreach (var attempt in attempts)
        {
            var lane = laneEnds.FindIndex(end => end <= attempt.Start);
            if (lane < 0)
            {
                lane = laneEnds.Count;
                laneEnds.Add(attempt.End);
            }
            else
            {
                laneEnds[lane] = attempt.End;
            }

            lanes[attempt.Prompt][attempt.Index] = lane;
        }

        return lanes;
    }
}
