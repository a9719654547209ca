using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>Finds summary files given as files or directories, and reads one back into the <see cref="RunSummary"/> it was written from.</summary>
internal static partial class SummaryFiles
{
    /// <summary>
    /// The files of <paramref name="paths"/>: a file as it is, a directory's files named like <paramref name="pattern"/>
    /// in it and every subdirectory (where CI downloads each job's artifact), sorted by path so every run reads them alike.
    /// </summary>
    public static IEnumerable<string> Find(IEnumerable<string> paths, string pattern) =>
        paths.SelectMany(path => Directory.Exists(path)
            ? (IEnumerable<string>)Directory.EnumerateFiles(path, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [path]);

    /// <summary>Reads a summary file.</summary>
    /// <exception cref="InvalidDataException">The file does not read or is not a summary (the message says why).</exception>
    public static RunSummary Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new RunSummary
            {
                Results = [.. root.GetProperty("prompts").EnumerateArray().Select(ReadRow)],
                Start = root.GetProperty("start").GetDateTimeOffset(),
                End = root.GetProperty("end").GetDateTimeOffset(),
                Cancelled = root.GetProperty("cancelled").GetBoolean(),
                Shard = root.TryGetProperty("shard", out var shard) ? new Shard(shard.GetProperty("index").GetInt32(), shard.GetProperty("total").GetInt32()) : null,
                ShardSet = root.TryGetProperty("shard", out shard) ? [.. shard.GetProperty("set").EnumerateArray().Select(id => id.GetString()!)] : null,
                SummaryFile = path,
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' cannot be read: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a claude-runner summary: {ex.Message}", ex);
        }
    }

    private static PromptResult ReadRow(JsonElement row)
    {
        var id = row.GetProperty("id").GetString()!;
        var tokens = row.GetProperty("tokens");
        return new PromptResult
        {
            Id = id,
            Outcome = Enum.Parse<Outcome>(row.GetProperty("outcome").GetString()!),
            Message = row.GetProperty("message").GetString()!,
            Location = Location(row.GetProperty("source").GetString()!),
            ExitCode = IntOrNull(row.GetProperty("exitCode")),
            Attempts = row.GetProperty("attempts").GetInt32(),
            Start = TimeOrNull(row.GetProperty("start")),
            End = TimeOrNull(row.GetProperty("end")),
            CostUsd = row.GetProperty("costUsd").GetDecimal(),
            Tokens = new TokenUsage(tokens.GetProperty("input").GetInt64(), tokens.GetProperty("output").GetInt64(), tokens.GetProperty("cacheCreationInput").GetInt64(), tokens.GetProperty("cacheReadInput").GetInt64()),
            Turns = IntOrNull(row.GetProperty("turns")),
            SessionId = row.GetProperty("sessionId").GetString(),
            ResultText = row.GetProperty("result").GetString(),
            File = row.GetProperty("file").GetString(),
            LogFile = row.GetProperty("logFile").GetString(),
            StreamFile = row.GetProperty("streamFile").GetString(),
            // Older summaries have no history: their prompts get no timeline bars.
            History = row.TryGetProperty("history", out var history) ? [.. history.EnumerateArray().Select(ReadAttempt)] : [],
            UpToDateWith = row.TryGetProperty("upToDate", out var recorded) ? new RecordedSuccess
            {
                Key = recorded.GetProperty("key").GetString()!,
                Id = id,
                Succeeded = recorded.GetProperty("succeeded").GetDateTimeOffset(),
                RunStart = recorded.GetProperty("runStart").GetDateTimeOffset(),
                CostUsd = recorded.GetProperty("recordedCostUsd").GetDecimal(),
            } : null,
        };
    }

    private static AttemptRecord ReadAttempt(JsonElement attempt) => new()
    {
        Number = attempt.GetProperty("attempt").GetInt32(),
        Start = attempt.GetProperty("start").GetDateTimeOffset(),
        End = attempt.GetProperty("end").GetDateTimeOffset(),
        Outcome = Enum.Parse<Outcome>(attempt.GetProperty("outcome").GetString()!),
        ExitCode = IntOrNull(attempt.GetProperty("exitCode")),
        StderrTail = attempt.GetProperty("stderrTail").GetString() ?? string.Empty,
        Resources = attempt.GetProperty("peakMemoryMB") is { ValueKind: JsonValueKind.Number } peak
            ? new ResourceUsage((long)(peak.GetDouble() * 1024 * 1024), TimeSpan.FromSeconds(attempt.GetProperty("cpuSeconds").GetDouble()))
            : null,
    };

    /// <summary>A location written as <see cref="SourceLocation.ToString"/> wrote it: <c>file(line,column)</c>, <c>file(line)</c> or <c>file</c>.</summary>
    private static SourceLocation Location(string text) =>
        LocationText().Match(text) is { Success: true } match
            ? new SourceLocation(match.Groups["file"].Value, Number(match.Groups["line"].Value), match.Groups["column"].Success ? Number(match.Groups["column"].Value) : 0)
            : new SourceLocation(text);

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int? IntOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();

    private static DateTimeOffset? TimeOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();

    [GeneratedRegex(@"^(?<file>.*)\((?<line>[0-9]+)(,(?<column>[0-9]+))?\)$", RegexOptions.Singleline)]
    private static partial Regex LocationText();
}
