using System.Text;
using System.Text.Json;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>The outcome of one claude process: exit code, stdout lines (stream-json), stderr.</summary>
/// <param name="ExitCode">Exit code (-1 if it had not exited).</param>
/// <param name="StdoutLines">stdout, one entry per line.</param>
/// <param name="Stderr">stderr.</param>
/// <param name="Elapsed">Wall time from start to exit.</param>
/// <param name="CommandLine">The command line, for messages.</param>
public sealed record ClaudeCliResult(int ExitCode, IReadOnlyList<string> StdoutLines, string Stderr, TimeSpan Elapsed, string CommandLine)
{
    private IReadOnlyList<JsonElement>? _messages;

    /// <summary>The stdout lines that parse as JSON objects (stream-json messages), in order.</summary>
    public IReadOnlyList<JsonElement> Messages => _messages ??= Parse(StdoutLines);

    /// <summary>The last <c>{"type":"result"}</c> message, or <see langword="null"/> when there is none (interrupted run).</summary>
    public JsonElement? Result => Messages.LastOrDefault(m => TypeOf(m) == "result") is { ValueKind: JsonValueKind.Object } result
        ? result
        : null;

    /// <summary>The result message; throws with the whole output when there is none.</summary>
    public JsonElement RequireResult() =>
        Result ?? throw new InvalidOperationException("claude printed no result line." + Environment.NewLine + Describe());

    /// <summary>The <c>session_id</c> of the <c>system/init</c> message.</summary>
    public string? SessionId => SystemMessages("init").Select(m => m.GetProperty("session_id").GetString()).FirstOrDefault();

    /// <summary>The messages of <c>type</c> <paramref name="type"/>.</summary>
    public IEnumerable<JsonElement> OfType(string type) => Messages.Where(m => TypeOf(m) == type);

    /// <summary>The <c>type:"system"</c> messages with <c>subtype</c> <paramref name="subtype"/> (e.g. <c>init</c>, <c>api_retry</c>).</summary>
    public IEnumerable<JsonElement> SystemMessages(string subtype) =>
        OfType("system").Where(m => m.TryGetProperty("subtype", out var s) && s.GetString() == subtype);

    /// <summary>Exit code, elapsed time, stderr and stdout (long lines shortened), for assertion messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder()
            .AppendLine($"command: {CommandLine}")
            .AppendLine($"exit code: {ExitCode}, elapsed: {Elapsed.TotalSeconds:0.00} s")
            .AppendLine("stderr:")
            .AppendLine(Stderr.Length > 4000 ? Stderr[..4000] + "…" : Stderr)
            .AppendLine($"stdout ({StdoutLines.Count} lines):");
        foreach (var line in StdoutLines.TakeLast(30))
        {
            text.AppendLine(line.Length > 1500 ? line[..1500] + "…" : line);
        }

        return text.ToString();
    }

    private static string? TypeOf(JsonElement message) =>
        message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static List<JsonElement> Parse(IEnumerable<string> lines)
    {
        var messages = new List<JsonElement>();
        foreach (var line in lines)
        {
            if (!line.TrimStart().StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                messages.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a JSON line: ignore, as the runner does.
            }
        }

        return messages;
    }
}
