using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// The two log files of a prompt, written as output arrives: <c>&lt;id&gt;.jsonl</c> (claude's raw
/// stream-json, every attempt) and <c>&lt;id&gt;.log</c> (readable: per attempt the start and end
/// time, command line, stderr, exit code, outcome and final answer). Owner-only on Unix. A write that fails
/// (a full disk) ends the logging and is remembered, never thrown: claude's pipes must keep draining, and the
/// prompt's verdict comes from its output, not from its log.
/// </summary>
internal sealed class PromptLog : IDisposable
{
    private readonly object _gate = new();
    private StreamWriter? _stream;
    private StreamWriter? _log;

    private PromptLog(string streamPath, string logPath, Func<string, StreamWriter> create)
    {
        StreamPath = streamPath;
        LogPath = logPath;
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
    /// <param name="create">Creates a log file; tests pass one that fails.</param>
    public static PromptLog Create(string directory, string id, Func<string, StreamWriter>? create = null) =>
        new(Path.Combine(directory, id + ".jsonl"), Path.Combine(directory, id + ".log"), create ?? OwnerOnlyFile.CreateText);

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

    public void StreamLine(string line) => Write(() => _stream!.WriteLine(line));

    public void StreamPart(string part, bool endsLine) => Write(() =>
    {
        _stream!.Write(part);
        if (endsLine)
        {
            _stream.WriteLine();
        }
    });

    public void StderrLine(string line) => Write(() =>
    {
        _log!.Write("stderr:    ");
        _log.WriteLine(line);
    });

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

    private static string Stamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
