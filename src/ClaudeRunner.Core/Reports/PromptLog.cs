using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// The two log files of a prompt, written as output arrives: <c>&lt;id&gt;.jsonl</c> (claude's raw
/// stream-json, every attempt) and <c>&lt;id&gt;.log</c> (readable: per attempt the start and end
/// time, command line, stderr, exit code, outcome and final answer). Owner-only on Unix. A write that fails
/// (a full disk) ends the logging and is remembered, never thrown: claude's pipes must keep draining, and the
/// prompt's verdict comes from its output, not from its log. Each file takes at most <c>MaxLogSizeMB</c> of claude's output
/// (its stream in the <c>.jsonl</c>, its stderr in the <c>.log</c>; the runner's own lines per attempt always): past that a
/// note marks the cut and the rest is read and judged, not written.
/// </summary>
internal sealed class PromptLog : IDisposable
{
    private readonly object _gate = new();
    private readonly long _maxBytes;
    private StreamWriter? _stream;
    private StreamWriter? _log;
    private CappedOutput _streamOutput;
    private CappedOutput _stderrOutput;

    private PromptLog(string streamPath, string logPath, long maxBytes, Func<string, StreamWriter> create)
    {
        StreamPath = streamPath;
        LogPath = logPath;
        _maxBytes = maxBytes;
        Write(() =>
        {
            _stream = create(streamPath);
            _log = create(logPath);
        });
    }

    public string StreamPath { get; }

    public string LogPath { get; }

    /// <summary>Why the log stopped being written, or null while it is complete.</summary>
    public string? Failure { get; private set; }

    /// <param name="directory">The log directory.</param>
    /// <param name="id">The prompt's id, the files' name.</param>
    /// <param name="maxBytes">The most bytes of claude's output each file takes.</param>
    /// <param name="create">Creates a log file; tests pass one that fails.</param>
    public static PromptLog Create(string directory, string id, long maxBytes, Func<string, StreamWriter>? create = null) =>
        new(Path.Combine(directory, id + ".jsonl"), Path.Combine(directory, id + ".log"), maxBytes, create ?? OwnerOnlyFile.CreateText);

    public void BeginAttempt(int attempt, int maxAttempts, DateTimeOffset start, ClaudeCommand command, string displayedCommand) => Write(() =>
    {
        _log!.WriteLine($"=== attempt {attempt} of {maxAttempts} ===");
        _log.WriteLine($"start:     {Stamp(start)}");
        _log.WriteLine($"command:   {displayedCommand}");
        _log.WriteLine($"directory: {command.WorkingDirectory}");
        if (command.Environment.Count > 0)
        {
            // Names only: values may be secrets.
            _log.WriteLine($"env:       {string.Join(", ", command.Environment.Keys)}");
        }

        _log.Flush();
    });

    public void StreamLine(string line) => StreamPart(line, endsLine: true);

    public void StreamPart(string part, bool endsLine) => Write(() =>
    {
        if (_streamOutput.Admits(_stream!, part, endsLine, _maxBytes, StreamCutNote))
        {
            _stream!.Write(part);
            if (endsLine)
            {
                _stream.WriteLine();
            }
        }
    });

    public void StderrLine(string line) => Write(() =>
    {
        if (_stderrOutput.Admits(_log!, line, endsLine: true, _maxBytes, LogCutNote))
        {
            _log!.Write("stderr:    ");
            _log.WriteLine(line);
        }
    });

    // The .jsonl's note is a JSON line too, so tools that read the stream read past it.
    private static string StreamCutNote(long maxBytes) => string.Create(
        CultureInfo.InvariantCulture,
        $$"""{"type":"claude_runner","subtype":"log_cut","max_log_size_mb":{{maxBytes / (1024 * 1024)}},"note":"MaxLogSizeMB reached: claude's further output was read and judged, not written here."}""");

    private static string LogCutNote(long maxBytes) => string.Create(
        CultureInfo.InvariantCulture,
        $"[log cut: MaxLogSizeMB ({maxBytes / (1024 * 1024)} MiB of claude's stderr) reached; the rest was read, not written here]");

    public void Flush() => Write(() =>
    {
        _stream!.Flush();
        _log!.Flush();
    });

    public void EndAttempt(AttemptResult result) => Write(() =>
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"end:       {Stamp(result.End)} ({OptionText.FormatDuration(result.End - result.Start)})");
        text.AppendLine(CultureInfo.InvariantCulture, $"exit code: {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (not started)"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"outcome:   {result.Outcome}: {result.Message}");
        if (result.Resources is { } resources)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"resources: {resources} (claude's process tree, sampled every {OptionText.FormatDuration(ResourceSampler.Interval)})");
        }

        if (result.Result?.Text is { } answer)
        {
            text.AppendLine("answer:");
            text.AppendLine(answer);
        }

        _log!.Write(text.ToString());
        _log.WriteLine();
        _stream!.Flush();
        _log.Flush();
    });

    public void Dispose() => Write(Close);

    /// <summary>Runs <paramref name="write"/> unless the log already failed; a failure closes the log for good.</summary>
    private void Write(Action write)
    {
        lock (_gate)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                write();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Failure = ex.Message;
                try
                {
                    Close();
                }
                catch (Exception closing) when (closing is IOException or UnauthorizedAccessException)
                {
                    // Closing flushes what the failed write left in the buffer; the first failure is the one that says why.
                }
            }
        }
    }

    private void Close()
    {
        // Both are closed even when the first one's last flush fails.
        try
        {
            _stream?.Dispose();
        }
        finally
        {
            _stream = null;
            _log?.Dispose();
            _log = null;
        }
    }

    /// <summary>How much of claude's output one file has taken, and whether it was cut.</summary>
    private struct CappedOutput
    {
        private long _written;
        private bool _cut;
        private bool _inLine;

        /// <summary>Whether <paramref name="text"/> still fits; the first that does not writes <paramref name="note"/> on a line of its own instead.</summary>
        public bool Admits(TextWriter file, string text, bool endsLine, long maxBytes, Func<long, string> note)
        {
            if (_cut)
            {
                return false;
            }

            var length = Encoding.UTF8.GetByteCount(text) + (endsLine ? 1 : 0);
            if (_written + length <= maxBytes)
            {
                _written += length;
                _inLine = !endsLine;
                return true;
            }

            _cut = true;
            if (_inLine)
            {
                file.WriteLine();
            }

            file.WriteLine(note(maxBytes));
            return false;
        }
    }

    private static string Stamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
