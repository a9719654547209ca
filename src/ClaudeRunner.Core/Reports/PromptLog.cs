using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// The two log files of a prompt, written as output arrives: <c>&lt;id&gt;.jsonl</c> (claude's raw
/// stream-json, every attempt) and <c>&lt;id&gt;.log</c> (readable: per attempt the start and end
/// time, command line, stderr, exit code, outcome and final answer). Owner-only on Unix.
/// </summary>
internal sealed class PromptLog : IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _stream;
    private readonly StreamWriter _log;

    private PromptLog(string streamPath, string logPath)
    {
        StreamPath = streamPath;
        LogPath = logPath;
        _stream = OwnerOnlyFile.CreateText(streamPath);
        _log = OwnerOnlyFile.CreateText(logPath);
    }

    public string StreamPath { get; }

    public string LogPath { get; }

    public static PromptLog Create(string directory, string id) =>
        new(Path.Combine(directory, id + ".jsonl"), Path.Combine(directory, id + ".log"));

    public void BeginAttempt(int attempt, int maxAttempts, DateTimeOffset start, ClaudeCommand command, string displayedCommand)
    {
        lock (_gate)
        {
            _log.WriteLine($"=== attempt {attempt} of {maxAttempts} ===");
            _log.WriteLine($"start:     {Stamp(start)}");
            _log.WriteLine($"command:   {displayedCommand}");
            _log.WriteLine($"directory: {command.WorkingDirectory}");
            if (command.Environment.Count > 0)
            {
                // Names only: values may be secrets.
                _log.WriteLine($"env:       {string.Join(", ", command.Environment.Keys)}");
            }

            _log.Flush();
        }
    }

    public void StreamLine(string line)
    {
        lock (_gate)
        {
            _stream.WriteLine(line);
        }
    }

    public void StreamPart(string part, bool endsLine)
    {
        lock (_gate)
        {
            _stream.Write(part);
            if (endsLine)
            {
                _stream.WriteLine();
            }
        }
    }

    public void StderrLine(string line)
    {
        lock (_gate)
        {
            _log.Write("stderr:    ");
            _log.WriteLine(line);
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            _stream.Flush();
            _log.Flush();
        }
    }

    public void EndAttempt(AttemptResult result)
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"end:       {Stamp(result.End)} ({OptionText.FormatDuration(result.End - result.Start)})");
            text.AppendLine(CultureInfo.InvariantCulture, $"exit code: {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (not started)"}");
            text.AppendLine(CultureInfo.InvariantCulture, $"outcome:   {result.Outcome}: {result.Message}");
            if (result.Result?.Text is { } answer)
            {
                text.AppendLine("answer:");
                text.AppendLine(answer);
            }

            _log.Write(text.ToString());
            _log.WriteLine();
            _stream.Flush();
            _log.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream.Dispose();
            _log.Dispose();
        }
    }

    private static string Stamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
