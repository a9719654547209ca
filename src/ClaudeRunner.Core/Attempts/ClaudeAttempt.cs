using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>The end of one attempt.</summary>
internal sealed record AttemptResult(Outcome Outcome, string Message, int? ExitCode, ClaudeResult? Result, string? SessionId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>What an attempt reports while it runs.</summary>
internal interface IAttemptOutput
{
    void Output(PromptOutputKind kind, string text);
}

/// <summary>
/// One claude process: spawn, feed the prompt on stdin, stream stdout and stderr to the logs, enforce
/// the timeout, stop on cancel, and judge the result. Every edge of the child is handled here.
/// </summary>
internal sealed class ClaudeAttempt
{
    // stream-json lines are parsed whole up to this length (a final answer is bounded by the model's output tokens, far below it); a longer line is logged in parts.
    private const int MaxStdoutLine = 4 * 1024 * 1024;
    private const int MaxStderrLine = 64 * 1024;
    private const int StderrTailLength = 8 * 1024;
    private const int EventTextLength = 2000;

    // Half a pipe's 64 KiB: the reader's char buffer (one char per byte) stays below the large-object threshold.
    private const int StdoutReadBuffer = 32 * 1024;

    // A grandchild that inherited claude's stdout keeps the pipe open after claude exits; don't wait forever for its end.
    private static readonly TimeSpan PipeDrainLimit = TimeSpan.FromSeconds(2);

    private readonly ClaudeCommand _command;
    private readonly string _marker;
    private readonly PromptLog _log;
    private readonly SecretRedactor _redactor;
    private readonly IAttemptOutput _output;
    private readonly object _stderrGate = new();
    private readonly Queue<string> _stderrTail = new();
    private int _stderrTailLength;
    private ClaudeResult? _result;
    private string? _sessionId;

    public ClaudeAttempt(ClaudeCommand command, string marker, PromptLog log, SecretRedactor redactor, IAttemptOutput output)
    {
        _command = command;
        _marker = marker;
        _log = log;
        _redactor = redactor;
        _output = output;
    }

    public async Task<AttemptResult> RunAsync(string prompt, TimeSpan timeout, TimeSpan gracePeriod, CancellationToken cancellation)
    {
        var start = DateTimeOffset.Now;
        var startInfo = new ProcessStartInfo(_command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = OwnerOnlyFile.Utf8,
            StandardOutputEncoding = OwnerOnlyFile.Utf8,
            StandardErrorEncoding = OwnerOnlyFile.Utf8,
            WorkingDirectory = _command.WorkingDirectory,
        };
        foreach (var argument in _command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _command.Environment)
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment[ProcessTree.MarkerVariable] = _marker;

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new AttemptResult(Outcome.LaunchFailed, ClaudeExecutable.CannotStart(_command.FileName, ex.Message), null, null, null, start, DateTimeOffset.Now);
        }

        var stdin = WriteStdinAsync(process, prompt);
        // Process's own reader reads the pipe 4 KiB at a time: a read(2) and a thread-pool hop per 4 KiB of a long stream.
        using var stdoutReader = new StreamReader(process.StandardOutput.BaseStream, OwnerOnlyFile.Utf8, detectEncodingFromByteOrderMarks: false, StdoutReadBuffer, leaveOpen: true);
        var stdout = PumpAsync(stdoutReader, new LineSplitter(MaxStdoutLine, _redactor, OnStdoutLine, _log.StreamPart));
        var stderr = PumpAsync(process.StandardError, new LineSplitter(MaxStderrLine, _redactor, OnStderrLine, (part, _) => _log.StderrLine(part)));

        Outcome? stoppedAs = null;
        using (var timeoutSource = new CancellationTokenSource(timeout))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeoutSource.Token))
        {
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stoppedAs = cancellation.IsCancellationRequested ? Outcome.Cancelled : Outcome.TimedOut;
                await StopAsync(process, gracePeriod).ConfigureAwait(false);
            }
        }

        var exitCode = process.ExitCode;
        await DrainAsync(process, stdin, stdout, stderr).ConfigureAwait(false);
        var end = DateTimeOffset.Now;
        var (outcome, message) = stoppedAs switch
        {
            Outcome.TimedOut => (Outcome.TimedOut, $"Timed out after {OptionText.FormatDuration(timeout)}: claude was stopped."),
            Outcome.Cancelled => (Outcome.Cancelled, "Cancelled: claude was stopped."),
            _ => AttemptVerdict.Judge(exitCode, _result, StderrTail(), _command.SkipsPermissions),
        };
        return new AttemptResult(outcome, message, exitCode, _result, _result?.SessionId ?? _sessionId, start, end);
    }

    /// <summary>SIGTERM, a grace period, then the whole tree (docs/claude-cli.md, "Signals and children").</summary>
    private async Task StopAsync(Process process, TimeSpan gracePeriod)
    {
        ProcessTree.Terminate(process);
        using var grace = new CancellationTokenSource(gracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ignored SIGTERM: killed below.
        }

        ProcessTree.KillAll(process, _marker);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAsync(Process process, Task stdin, Task stdout, Task stderr)
    {
        var pipes = Task.WhenAll(stdin, stdout, stderr);
        if (await Task.WhenAny(pipes, Task.Delay(PipeDrainLimit)).ConfigureAwait(false) != pipes)
        {
            // Something claude started still holds the pipes: it belongs to this attempt, so it goes.
            ProcessTree.KillMarked(_marker);
            if (await Task.WhenAny(pipes, Task.Delay(PipeDrainLimit)).ConfigureAwait(false) != pipes)
            {
                process.Dispose();
            }
        }

        await pipes.ConfigureAwait(false);
        _log.Flush();
    }

    private static async Task WriteStdinAsync(Process process, string prompt)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(OwnerOnlyFile.Utf8.GetBytes(prompt)).ConfigureAwait(false);
            await process.StandardInput.BaseStream.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // claude exited without reading its input (e.g. it refused its arguments): judged by its output.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task PumpAsync(StreamReader reader, LineSplitter splitter)
    {
        var buffer = new char[16 * 1024];
        while (await ReadAsync(reader, buffer).ConfigureAwait(false) is var read and > 0)
        {
            splitter.Feed(buffer.AsSpan(0, read));
            _log.Flush();
        }

        splitter.Complete();
    }

    /// <summary>Reads from a pipe; 0 at its end, and also when it was closed under us after the drain limit.</summary>
    private static async Task<int> ReadAsync(StreamReader reader, char[] buffer)
    {
        try
        {
            return await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException)
        {
            return 0;
        }
    }

    private void OnStdoutLine(string line)
    {
        _log.StreamLine(line);
        if (ClaudeResult.TryParse(line) is { } result)
        {
            _result = result;
            return;
        }

        if (line.Length > 64 * 1024)
        {
            return;
        }

        _sessionId ??= ClaudeResult.TryParseSessionId(line);
        if (Describe(line) is { } description)
        {
            _output.Output(description.Kind, description.Text);
        }
    }

    private void OnStderrLine(string line)
    {
        _log.StderrLine(line);
        lock (_stderrGate)
        {
            _stderrTail.Enqueue(line);
            _stderrTailLength += line.Length;
            while (_stderrTailLength > StderrTailLength && _stderrTail.Count > 1)
            {
                _stderrTailLength -= _stderrTail.Dequeue().Length;
            }
        }

        _output.Output(PromptOutputKind.StandardError, Shorten(line));
    }

    private string StderrTail()
    {
        lock (_stderrGate)
        {
            return string.Join('\n', _stderrTail);
        }
    }

    /// <summary>The readable part of a stream-json line: an assistant's text, or claude's own API retries.</summary>
    private static (PromptOutputKind Kind, string Text)? Describe(string line)
    {
        var assistant = ClaudeResult.LooksLike(line, "assistant");
        if (!assistant && !(ClaudeResult.LooksLike(line, "system") && line.Contains("api_retry", StringComparison.Ordinal)))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != (assistant ? "assistant" : "system"))
            {
                return null;
            }

            if (assistant)
            {
                if (!root.TryGetProperty("message", out var message) || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var text = string.Concat(content.EnumerateArray()
                    .Where(c => c.TryGetProperty("type", out var type) && type.GetString() == "text" && c.TryGetProperty("text", out _))
                    .Select(c => c.GetProperty("text").GetString()));
                return text.Length == 0 ? null : (PromptOutputKind.Assistant, Shorten(text));
            }

            return (PromptOutputKind.ClaudeRetry, $"claude retries the API call (attempt {Field(root, "attempt")}/{Field(root, "max_retries")}, status {Field(root, "error_status")} {Field(root, "error")}, in {Field(root, "retry_delay_ms")} ms)");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ToString() : "?";

    private static string Shorten(string text) => text.Length <= EventTextLength ? text : text[..EventTextLength] + "…";
}
