using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// How long prompts took before, by id: from earlier summary files (the <c>History</c> option; a row that ran, the
/// latest end winning) and else from the cache's recorded successes. A prompt with no history is expected to take the
/// mean of those that have one. Shards cut by it, and longest-first ordering follows it.
/// </summary>
internal sealed class DurationHistory
{
    private readonly Dictionary<string, TimeSpan> _durations;
    private readonly TimeSpan _mean;

    private DurationHistory(Dictionary<string, TimeSpan> durations)
    {
        _durations = durations;
        _mean = durations.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)durations.Values.Average(d => d.Ticks));
    }

    /// <summary>No history.</summary>
    public static DurationHistory None { get; } = new(new Dictionary<string, TimeSpan>(StringComparer.Ordinal));

    /// <summary>A history of the given durations (tests, benchmarks).</summary>
    public static DurationHistory Of(IEnumerable<KeyValuePair<string, TimeSpan>> durations) =>
        new(new Dictionary<string, TimeSpan>(durations, StringComparer.Ordinal));

    /// <summary>Whether any of <paramref name="ids"/> has a duration.</summary>
    public bool Covers(IEnumerable<string> ids) => ids.Any(_durations.ContainsKey);

    /// <summary>The expected duration of <paramref name="id"/>: its own, or the mean.</summary>
    public TimeSpan Expected(string id) => _durations.TryGetValue(id, out var duration) ? duration : _mean;

    /// <summary>The ids with their expected durations, longest first, equal ones in the order given.</summary>
    public IEnumerable<(string Id, TimeSpan Expected)> LongestFirst(IEnumerable<string> ids) =>
        ids.Select(id => (Id: id, Expected: Expected(id))).OrderByDescending(entry => entry.Expected);

    /// <summary>The history of <paramref name="ids"/>: the summary files first, then the cache.</summary>
    /// <param name="ids">The prompts' ids.</param>
    /// <param name="summaryFiles">Summary files, or directories whose <c>summary*.json</c> files (in any subdirectory) are read.</param>
    /// <param name="cache">The cache of recorded successes.</param>
    /// <param name="warnings">Receives a warning for a summary file that does not read.</param>
    public static DurationHistory Load(IReadOnlyCollection<string> ids, IEnumerable<string> summaryFiles, ResultCache cache, ICollection<InputError> warnings)
    {
        var latest = new Dictionary<string, (TimeSpan Duration, DateTimeOffset End)>(StringComparer.Ordinal);
        foreach (var file in SummaryFiles.Find(summaryFiles, "summary*.json"))
        {
            foreach (var (id, duration, end) in RanRows(file, warnings))
            {
                if (!latest.TryGetValue(id, out var known) || end > known.End)
                {
                    latest[id] = (duration, end);
                }
            }
        }

        var durations = latest.ToDictionary(entry => entry.Key, entry => entry.Value.Duration, StringComparer.Ordinal);
        // A damaged cache file is said once, by the up-to-date check of the prompts this run takes.
        var unsaid = new List<InputError>();
        foreach (var id in ids.Where(id => !durations.ContainsKey(id)))
        {
            if (cache.Latest(id, unsaid) is { DurationMs: > 0 } recorded)
            {
                durations[id] = TimeSpan.FromMilliseconds(recorded.DurationMs);
            }
        }

        return new(durations);
    }

    /// <summary>The rows of a summary file that ran (an up-to-date row or one that never started says nothing about a duration).</summary>
    private static List<(string Id, TimeSpan Duration, DateTimeOffset End)> RanRows(string file, ICollection<InputError> warnings)
    {
        var rows = new List<(string, TimeSpan, DateTimeOffset)>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var row in document.RootElement.GetProperty("prompts").EnumerateArray())
            {
                if (row.GetProperty("attempts").GetInt32() > 0 && row.GetProperty("end") is { ValueKind: JsonValueKind.String } end)
                {
                    rows.Add((row.GetProperty("id").GetString()!, TimeSpan.FromMilliseconds(row.GetProperty("durationMs").GetInt64()), end.GetDateTimeOffset()));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            warnings.Add(new InputError($"The history file is ignored: {ex.Message}", new SourceLocation(file)));
            return [];
        }

        return rows;
    }
}
